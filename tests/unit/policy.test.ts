// Roles turn into permissions in one place, app/auth/policy.ts (ADR 013). This reads the
// app's source so the rule stays true: no spelled-out role list or role comparison
// elsewhere. Demo data (which account is the demo trainer) and the reports' role filter
// (a list of choices, not a permission) are the named exceptions.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { may, reportReach, ROLES } from "~/auth/policy";

const APP = path.resolve("app");
const EXCEPTIONS = ["auth/policy.ts", "demo/"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const ROLE = `"(?:activist|trainer|organiser|admin)"`;
// "activist" alone carries no right beyond signing in; comparing with it is about display
// (the reports' default role filter, a role tag), so comparisons count the other three.
const RIGHTS = `"(?:trainer|organiser|admin)"`;
const PATTERNS = [
  // role === "admin", user.role !== "trainer", …
  new RegExp(`\\brole\\s*[!=]==?\\s*${RIGHTS}`, "g"),
  new RegExp(`${RIGHTS}\\s*[!=]==?\\s*[\\w.]*\\brole\\b`, "g"),
  // ["trainer", "admin"] and other lists made only of role names
  new RegExp(`\\[\\s*${ROLE}(?:\\s*,\\s*${ROLE})*\\s*,?\\s*\\]`, "g"),
];

describe("one policy module", () => {
  it("no file outside app/auth/policy.ts spells out who may do what by role name", () => {
    const found: string[] = [];
    for (const file of sourceFiles(APP)) {
      const relative = path.relative(APP, file).split(path.sep).join("/");
      if (EXCEPTIONS.some((e) => relative.startsWith(e))) continue;
      const source = readFileSync(file, "utf8");
      for (const pattern of PATTERNS) for (const m of source.matchAll(pattern)) found.push(`app/${relative}: ${m[0]}`);
    }
    expect(found, "ask app/auth/policy.ts (ROLES, may, reportReach) instead").toEqual([]);
  });

  it("lets a trainer drive only their own live session, and an admin any", () => {
    const session = { trainerId: "t1" };
    expect(may.driveSession({ id: "t1", role: "trainer" }, session)).toBe(true);
    expect(may.driveSession({ id: "t2", role: "trainer" }, session)).toBe(false);
    expect(may.driveSession({ id: "a1", role: "admin" }, session)).toBe(true);
    // Owning the session is not enough without the right to run live sessions.
    expect(may.driveSession({ id: "t1", role: "organiser" }, session)).toBe(false);
    expect(may.driveSession({ id: "t1", role: "activist" }, session)).toBe(false);
  });

  it("gives every role a report reach consistent with who may open reports", () => {
    for (const role of ROLES.everyone) {
      const reach = reportReach(role);
      expect(may.seeReports(role), role).toBe(reach === "everything" || reach === "own groups");
      expect(may.seeSessionReports(role), role).toBe(reach !== "nothing");
    }
  });
});
