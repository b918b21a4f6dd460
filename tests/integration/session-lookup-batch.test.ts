import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { endSession, sessionFromCookie, sessionLookupStats } from "~/auth/session.server";
import { sha256Hex } from "~/lib/crypto.server";
import { sessions } from "../../db/schema";
import { makeUser } from "../setup/fixtures";
import { testDbKind, withTestDatabase } from "../setup/database";

// Session lookups asked at once (a live room's burst of answers, each with its own cookie)
// share statements on PostgreSQL (app/auth/session.server.ts, docs/decisions/050). Batching
// must change nothing about what a session is: each caller gets its own user, an expired or
// ended session in the same batch is refused (lucia decides from the row, and deletes the
// expired one), and nothing is remembered between requests, so a sign-out counts at once.

const database = withTestDatabase();
const ON_POSTGRES = testDbKind() === "postgres";
const tokenOf = (cookie: string) => cookie.split("=")[1]!;

describe("session lookups asked at once", () => {
  it("give each caller its own user, refuse expired, ended and unknown sessions among them, and share statements on PostgreSQL", async () => {
    const people = await Promise.all(Array.from({ length: 30 }, () => makeUser("activist")));
    const expired = people[3]!;
    const ended = people[7]!;
    await database()
      .db.update(sessions)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(sessions.id, sha256Hex(tokenOf(expired.cookie))));
    await endSession(sha256Hex(tokenOf(ended.cookie)));
    const before = { ...sessionLookupStats };

    const forged = "doorstep_session=ThisTokenWasNeverIssuedByUs0123";
    const seen = await Promise.all([...people.map((p) => sessionFromCookie(p.cookie)), sessionFromCookie(forged), sessionFromCookie(people[0]!.cookie)]);

    for (const [i, person] of people.entries()) {
      if (person === expired || person === ended) expect(seen[i]).toBeNull();
      else expect(seen[i]?.user).toMatchObject({ id: person.id, email: person.email, role: "activist" });
    }
    expect(seen[people.length]).toBeNull(); // forged
    expect(seen[people.length + 1]?.user.id).toBe(people[0]!.id); // the same cookie twice in one batch
    // lucia deletes an expired session it is shown, batched or not.
    const left = await database().db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, sha256Hex(tokenOf(expired.cookie))));
    expect(left).toEqual([]);
    if (ON_POSTGRES) {
      const statements = sessionLookupStats.statements - before.statements;
      // 32 lookups asked in one tick: the first goes alone, the rest ride together.
      expect(statements).toBeLessThan(people.length);
      expect(sessionLookupStats.largest).toBeGreaterThan(1);
    }
  });

  it("stops honouring a session as soon as it is ended: nothing is remembered between lookups", async () => {
    const person = await makeUser("activist");
    expect((await sessionFromCookie(person.cookie))?.user.id).toBe(person.id);
    await endSession(sha256Hex(tokenOf(person.cookie)));
    // Asked together with other people's lookups, still refused.
    const others = await Promise.all(Array.from({ length: 5 }, () => makeUser("activist")));
    const [mine, ...theirs] = await Promise.all([sessionFromCookie(person.cookie), ...others.map((o) => sessionFromCookie(o.cookie))]);
    expect(mine).toBeNull();
    expect(theirs.map((s) => s?.user.id)).toEqual(others.map((o) => o.id));
  });
});
