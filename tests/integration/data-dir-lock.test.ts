// One process per embedded data directory: a second one (here the real `npm run
// db:migrate` as a child process) refuses to start and names the holder; once the holder
// closes, it starts; a lock left by a process that is gone is taken over.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { openDatabase } from "../../db/client.server";
import { LOCK_FILE } from "../../db/data-dir-lock";

const dirs: string[] = [];
function freshDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "doorstep-lock-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `npm run db:migrate` on `dir`, in its own process. */
function migrateIn(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "db/migrate-cli.ts"], {
      env: { ...process.env, PGLITE_DIR: dir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

// The lock is about the embedded database's directory: one run is enough.
describe.skipIf(inject("testDb") !== "pglite")("the embedded data directory's lock (PGlite run only)", () => {
  it("makes a second process refuse to start, naming the holder, until the first closes", { timeout: 180_000 }, async () => {
    const dir = freshDir();
    const handle = await openDatabase({ kind: "pglite", dataDir: dir });
    const refused = await migrateIn(dir);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      new RegExp(`Another Doorstep process \\(pid ${process.pid}, started [0-9T:.-]+Z\\) is using ${dir}\\. Stop it first, or set PGLITE_DIR to another directory\\.`),
    );
    expect(refused.output).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(refused.output).not.toContain("Migrations applied");

    await handle.close();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const after = await migrateIn(dir);
    expect(after.output).toContain("Migrations applied");
    expect(after.code).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false); // released when the command ended
  });

  it("refuses a second open of the same directory within one process", { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const handle = await openDatabase({ kind: "pglite", dataDir: dir });
    try {
      await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toThrow(/already has .* open/);
    } finally {
      await handle.close();
    }
  });

  it("takes over a lock whose process is no longer running, and says so", { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const pid = deadPid();
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const handle = await openDatabase({ kind: "pglite", dataDir: dir });
      expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
      await handle.close();
      expect(warn.mock.calls.flat().join("\n")).toContain(`taking over the lock of a Doorstep process that is no longer running (pid ${pid}`);
    } finally {
      warn.mockRestore();
    }
  });

  it("takes over a lock whose pid now belongs to a process that started later", { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const other = spawn("sleep", ["60"]);
    try {
      const startedAt = new Date(Date.now() - 3_600_000).toISOString(); // before `sleep` began
      writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), startedAt }));
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const handle = await openDatabase({ kind: "pglite", dataDir: dir });
      await handle.close();
      warn.mockRestore();
      // …while the same live pid with a lock taken after it started is a real holder.
      writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: hostname(), startedAt: new Date().toISOString() }));
      await expect(openDatabase({ kind: "pglite", dataDir: dir })).rejects.toThrow(`Another Doorstep process (pid ${other.pid}`);
    } finally {
      other.kill();
    }
  });
});
