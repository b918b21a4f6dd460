import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDate, formatLongDate, formatTime, formatWhen } from "~/lib/dates";

// Times are shown on the UK clock whatever zone the server or the reader's phone is in:
// the server's and the browser's renders must be the same text (hydration), and a
// trainer who ran a session at 19:00 in July must read 19:00, not the server's 18:00.

describe("dates on the movement's clock", () => {
  it("shows a summer instant in British Summer Time, an hour ahead of UTC", () => {
    expect(formatWhen("2026-07-01T17:05:00Z")).toBe("1 Jul 2026, 18:05");
    expect(formatTime(new Date("2026-07-01T17:05:00Z"))).toBe("18:05");
  });

  it("shows a winter instant as UTC (GMT), and the UK date of a late-evening summer instant", () => {
    expect(formatWhen("2026-12-06T09:30:00Z")).toBe("6 Dec 2026, 09:30");
    expect(formatDate("2026-06-30T23:30:00Z")).toBe("1 Jul 2026");
    expect(formatLongDate("2026-06-30T23:30:00Z")).toBe("1 July 2026");
  });
});

const APP = path.resolve(__dirname, "../../app");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });

it("no date or time is formatted in whatever zone the process happens to run in", () => {
  // A date/time style or hour without a timeZone renders differently on the server and in the browser.
  const zoneless = /\b(?:toLocaleString|toLocaleDateString|toLocaleTimeString|DateTimeFormat)\([^)]*\{(?![^}]*timeZone)[^}]*\b(?:dateStyle|timeStyle|hour|day|month|weekday)\b[^}]*\}/g;
  const offenders = files(APP).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(zoneless)].map((m) => `${path.relative(APP, file)}: ${m[0].slice(0, 80)}`),
  );
  expect(offenders).toEqual([]);
});
