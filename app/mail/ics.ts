// An invitation calendar file (RFC 5545), written by hand: one VEVENT is a few lines, and
// the rules that trip calendar apps up are the ones kept here — CRLF line ends, lines
// folded at 75 octets (never inside a UTF-8 character), TEXT escaping, times in UTC.

export interface CalendarEvent {
  /** Stable across re-sends, so a calendar updates the event instead of adding a second. */
  uid: string;
  startsAt: Date;
  minutes: number;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  stamp: Date;
  /** Raised on each change (RFC 5545 §3.8.7.4): a calendar keeps the highest it has seen. Default 0. */
  sequence?: number;
  /** REQUEST adds or updates the event; CANCEL removes it (RFC 5546). Default REQUEST. */
  method?: "REQUEST" | "CANCEL";
}

/** TEXT values: backslash first, then `;` `,` and newlines (RFC 5545 §3.3.11). */
export function escapeIcsText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    // Other control characters are not allowed in TEXT at all: dropped.
    .split("")
    .filter((c) => c === "\t" || (c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f))
    .join("");
}

/** 20261205T180000Z */
export function icsTime(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();

/** Folds one content line: at most 75 octets a line, continuation lines start with a space. */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // The first line holds 75 octets; later ones 74 after their leading space.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

export function calendarInvite(event: CalendarEvent): string {
  const ends = new Date(event.startsAt.getTime() + event.minutes * 60_000);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Doorstep//Live sessions//EN",
    "CALSCALE:GREGORIAN",
    `METHOD:${event.method ?? "REQUEST"}`,
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence ?? 0}`,
    `DTSTAMP:${icsTime(event.stamp)}`,
    `DTSTART:${icsTime(event.startsAt)}`,
    `DTEND:${icsTime(ends)}`,
    `SUMMARY:${escapeIcsText(event.summary)}`,
    ...(event.description ? [`DESCRIPTION:${escapeIcsText(event.description)}`] : []),
    ...(event.location ? [`LOCATION:${escapeIcsText(event.location)}`] : []),
    // URL is a URI value, not TEXT: not escaped, but never with a line break in it.
    ...(event.url ? [`URL:${event.url.replace(/[\r\n]/g, "")}`] : []),
    `STATUS:${event.method === "CANCEL" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldIcsLine).join("\r\n") + "\r\n";
}
