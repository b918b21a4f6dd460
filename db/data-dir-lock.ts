// One process per embedded data directory. Two PGlite instances on one directory each
// see only their own writes, and whichever closes last overwrites the other's: rows
// that were acknowledged are gone. So the first process takes a lock file, and a second
// one refuses to start, naming the holder.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export const LOCK_FILE = "doorstep.lock";

/** How often the holder touches the lock, and how old an untouched one from another host may get. */
const HEARTBEAT_MS = 10_000;
const STALE_FROM_ANOTHER_HOST_MS = 60_000;

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

export interface DataDirLock {
  file: string;
  release(): void;
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    if (typeof holder.pid === "number" && typeof holder.host === "string" && typeof holder.startedAt === "string") return holder as Holder;
  } catch {
    // unreadable or half written (a crash between create and write): nobody holds it
  }
  return null;
}

/** Linux: when a process started, to tell a reused pid from the lock's holder. */
function processStartedAt(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootTime)) return null;
    return (bootTime + ticks / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

function isRunning(holder: Holder): boolean {
  if (holder.pid === process.pid) return false; // us, in an earlier life (same pid after a restart)
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  // Alive: but a process that started after the lock was taken is another one that got
  // the dead holder's pid (common in containers). Two seconds of slack for clock ticks.
  const started = processStartedAt(holder.pid);
  return started === null || started <= Date.parse(holder.startedAt) + 2_000;
}

/** Why the lock cannot be taken, or null when its holder is gone (a stale lock). */
function refusal(file: string, holder: Holder | null, dir: string): string | null {
  if (!holder) return null;
  const sameHost = holder.host === hostname();
  if (sameHost ? !isRunning(holder) : Date.now() - statSync(file).mtimeMs > STALE_FROM_ANOTHER_HOST_MS) return null;
  const who = sameHost ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  return `Another Doorstep process (${who}, started ${holder.startedAt}) is using ${dir}. Stop it first, or set PGLITE_DIR to another directory.`;
}

/**
 * Take the directory's lock, or throw DataDirInUseError naming its holder. A lock left by
 * a process that is no longer running is taken over (and the log says so). Released by
 * `release()` and, failing that, when this process exits.
 */
export function lockDataDir(dir: string, log: (line: string) => void = console.warn): DataDirLock {
  const file = path.join(dir, LOCK_FILE);
  // A lock with our own pid is normally stale (a restart that got the same pid), unless
  // this very process holds it: kept on globalThis, which outlives a dev rebuild.
  const heldHere = ((globalThis as { __doorstepHeldDataDirs?: Set<string> }).__doorstepHeldDataDirs ??= new Set());
  if (heldHere.has(file)) throw new DataDirInUseError(`This process already has ${dir} open. Close it before opening it again.`);
  const mine: Holder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx"); // O_CREAT | O_EXCL: exactly one process creates it
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw error;
    }
    const holder = readHolder(file);
    const refused = refusal(file, holder, dir);
    if (refused) throw new DataDirInUseError(refused);
    // Stale. Move it aside rather than delete it: if another process took it over between
    // our read and now, what we moved is that process's lock, and it goes back.
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // someone else moved it first: try again
    }
    const moved = readHolder(aside);
    if (moved && holder && (moved.pid !== holder.pid || moved.startedAt !== holder.startedAt)) {
      try {
        linkSync(aside, file);
      } catch {
        // a third process got there: the next attempt reads whoever holds it now
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    log(
      holder
        ? `${dir}: taking over the lock of a Doorstep process that is no longer running (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}).`
        : `${dir}: taking over an unreadable lock file.`,
    );
  }

  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // gone (released, or removed by hand): nothing to keep fresh
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    clearInterval(heartbeat);
    process.off("exit", release);
    heldHere.delete(file);
    try {
      // Only our own lock: never one that someone took over after ours went stale.
      if (readFileSync(file, "utf8") === content) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  heldHere.add(file);
  return { file, release };
}
