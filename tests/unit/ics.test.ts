import { describe, expect, it } from "vitest";
import { calendarInvite, escapeIcsText, foldIcsLine, icsTime } from "../../app/mail/ics";

/** Undo folding (RFC 5545 §3.1) and read NAME:value pairs back. */
function unfold(ics: string): Map<string, string> {
  const lines = ics.replace(/\r\n[ \t]/g, "").split("\r\n").filter(Boolean);
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
}

describe("calendar invitation (.ics)", () => {
  const event = {
    uid: "abc@doorstep",
    startsAt: new Date("2026-12-05T18:00:00Z"),
    minutes: 90,
    summary: "Doorstep basics; live, with Sam",
    description: "Line one\nLine two, with a back\\slash",
    location: "Room 2, The Library; first floor",
    stamp: new Date("2026-12-01T09:30:15.123Z"),
  };

  it("uses CRLF line ends only and UTC times", () => {
    const ics = calendarInvite(event);
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const fields = unfold(ics);
    expect(fields.get("DTSTART")).toBe("20261205T180000Z");
    expect(fields.get("DTEND")).toBe("20261205T193000Z");
    expect(fields.get("DTSTAMP")).toBe("20261201T093015Z");
    expect(fields.get("METHOD")).toBe("REQUEST");
    expect(fields.get("UID")).toBe("abc@doorstep");
  });

  it("escapes commas, semicolons, backslashes and newlines in text", () => {
    expect(escapeIcsText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    const fields = unfold(calendarInvite(event));
    expect(fields.get("SUMMARY")).toBe("Doorstep basics\\; live\\, with Sam");
    expect(fields.get("DESCRIPTION")).toBe("Line one\\nLine two\\, with a back\\\\slash");
    expect(fields.get("LOCATION")).toBe("Room 2\\, The Library\\; first floor");
  });

  it("folds long lines at 75 octets without splitting a UTF-8 character", () => {
    const long = `SUMMARY:${"é".repeat(100)}`;
    const folded = foldIcsLine(long);
    const lines = folded.split("\r\n");
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    for (const line of lines.slice(1)) expect(line.startsWith(" ")).toBe(true);
    expect(folded.replace(/\r\n /g, "")).toBe(long);
    expect(foldIcsLine("SHORT:x")).toBe("SHORT:x");
  });

  it("writes a call link as URL, unescaped", () => {
    const fields = unfold(calendarInvite({ ...event, location: undefined, url: "https://meet.example.org/a,b?x=1;2" }));
    expect(fields.get("URL")).toBe("https://meet.example.org/a,b?x=1;2");
    expect(fields.has("LOCATION")).toBe(false);
    expect(icsTime(new Date("2026-01-02T03:04:05Z"))).toBe("20260102T030405Z");
  });
});

describe("calendar updates and cancellations (.ics)", () => {
  const base = { uid: "abc@doorstep", startsAt: new Date("2026-12-05T18:00:00Z"), minutes: 60, summary: "S", stamp: new Date("2026-12-01T09:00:00Z") };

  it("keeps the UID, raises SEQUENCE on an update and says CONFIRMED", () => {
    const first = unfold(calendarInvite(base));
    const updated = unfold(calendarInvite({ ...base, sequence: 2 }));
    expect(first.get("SEQUENCE")).toBe("0");
    expect(updated.get("SEQUENCE")).toBe("2");
    expect(updated.get("UID")).toBe(first.get("UID"));
    expect(updated.get("METHOD")).toBe("REQUEST");
    expect(updated.get("STATUS")).toBe("CONFIRMED");
  });

  it("a cancellation is METHOD:CANCEL with STATUS:CANCELLED for the same UID", () => {
    const cancelled = unfold(calendarInvite({ ...base, sequence: 1, method: "CANCEL" }));
    expect(cancelled.get("METHOD")).toBe("CANCEL");
    expect(cancelled.get("STATUS")).toBe("CANCELLED");
    expect(cancelled.get("SEQUENCE")).toBe("1");
    expect(cancelled.get("UID")).toBe("abc@doorstep");
  });
});
