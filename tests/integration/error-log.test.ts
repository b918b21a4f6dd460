import { formatWithOptions } from "node:util";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createInvite } from "~/auth/invites.server";
import { handleError } from "~/entry.server";
import * as invitePage from "~/routes/invite.$token";
import { makeGroup, makeUser, post, run } from "../setup/fixtures";
import { withTestDatabase } from "../setup/database";

const database = withTestDatabase();

// A real constraint violation on the insert that carries the password hash: the users
// row of a sign-up. (The check is added to this file's own copy of the database.)
const REFUSED_NAME = "Refused By Check";

beforeAll(async () => {
  await database().db.execute(sql.raw(`alter table users add constraint test_refused_name check (name <> '${REFUSED_NAME}')`));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Everything written through console while `work` runs, as the terminal would show it. */
async function consoleOutput(work: () => unknown): Promise<string> {
  const lines: string[] = [];
  for (const method of ["error", "warn", "log", "info", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(formatWithOptions({ depth: 10 }, ...args));
    });
  }
  await work();
  vi.restoreAllMocks();
  return lines.join("\n");
}

describe("the error log", () => {
  it("logs a failed sign-up insert with its SQL and error code, never the email or password hash", async () => {
    const group = await makeGroup();
    const admin = await makeUser("admin");
    const { token } = await createInvite({ groupId: group.id, role: "activist", createdBy: admin.id });
    const signUp = { name: REFUSED_NAME, email: "leak-check@example.org", password: "tenants unite 2026" };
    const request = post(`/invite/${token}`, signUp);

    let thrown: unknown;
    try {
      await run(invitePage.action, request, { token });
    } catch (error) {
      thrown = error;
    }
    // What the old log printed: Drizzle's "Failed query: … params: …" with the hash.
    expect(String((thrown as Error).message)).toContain("$argon2id$");
    expect(String((thrown as Error).message)).toContain(signUp.email);

    const output = await consoleOutput(() => handleError(thrown, { request, params: { token }, context: { clientIp: "203.0.113.7" } }));
    expect(output).toContain("23514"); // check_violation, from the driver
    expect(output).toContain("test_refused_name");
    expect(output).toMatch(/insert into "users"/);
    expect(output).toContain("POST /invite/:token");
    for (const secret of ["$argon2id$", "argon2", signUp.email, signUp.password, token]) {
      expect(output).not.toContain(secret);
    }
  });
});
