import { emailSchema, nameSchema } from "./validation.server";

// Reading the list an organiser pastes (or uploads) to invite a branch at once. Accepted,
// one person a line, blank lines skipped:
//   Jo Bloggs, jo@example.org          (or the two the other way round)
//   Jo Bloggs <jo@example.org>         (as mail programs copy addresses)
//   Jo Bloggs<TAB>jo@example.org       (pasted from a spreadsheet)
//   name,email                         (a CSV header row: then columns are found by name,
//   "Bloggs, Jo",jo@example.org         extra columns are ignored, fields may be quoted)
// Everything is checked before anything is written; each problem names its line.

export const INVITE_BATCH_MAX = 500;

export interface Invitee {
  line: number;
  name: string;
  email: string;
}

export interface LineError {
  line: number;
  message: string;
}

export interface InviteList {
  invitees: Invitee[];
  errors: LineError[];
  /** A problem with the list as a whole (empty, too long). */
  listError?: string;
}

/** One CSV record on one line: fields split on `delimiter`, "quoted" fields with "" for a quote. */
export function splitCsvLine(text: string, delimiter: string): { ok: true; fields: string[] } | { ok: false } {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === delimiter) {
      fields.push(field.trim());
      field = "";
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) return { ok: false };
  fields.push(field.trim());
  return { ok: true, fields };
}

const ANGLE = /^(.*?)\s*<([^<>]*)>\s*[,;]?\s*$/;
const looksLikeEmail = (value: string) => value.includes("@");

function stripQuotes(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"').trim() : trimmed;
}

function headerColumns(fields: string[]): { name: number; email: number } | undefined {
  const lower = fields.map((f) => f.toLowerCase());
  const name = lower.findIndex((f) => f === "name" || f === "full name");
  const email = lower.findIndex((f) => f === "email" || f === "e-mail" || f === "email address");
  return name >= 0 && email >= 0 ? { name, email } : undefined;
}

export function parseInviteList(text: string, max = INVITE_BATCH_MAX): InviteList {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const numbered = lines.map((content, index) => ({ line: index + 1, content })).filter((l) => l.content.trim() !== "");
  if (numbered.length === 0) return { invitees: [], errors: [], listError: "Paste at least one line: a name and an email address." };

  const first = numbered[0]!.content;
  const delimiter = first.includes("\t") && !first.includes(",") ? "\t" : ",";
  const firstFields = splitCsvLine(first, delimiter);
  const header = firstFields.ok ? headerColumns(firstFields.fields) : undefined;
  const people = header ? numbered.slice(1) : numbered;
  if (people.length === 0) return { invitees: [], errors: [], listError: "The list has a header row but nobody under it." };
  if (people.length > max) {
    return { invitees: [], errors: [], listError: `At most ${max} people at once; this list has ${people.length}. Split it into smaller batches.` };
  }

  const invitees: Invitee[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const { line, content } of people) {
    let name: string;
    let email: string;
    const angle = header ? null : ANGLE.exec(content);
    if (angle) {
      name = stripQuotes(angle[1]!.replace(/[,;]\s*$/, ""));
      email = angle[2]!.trim();
    } else {
      // A spreadsheet row pasted among typed lines: tabs, no commas.
      const split = splitCsvLine(content, !header && !content.includes(delimiter) && content.includes("\t") ? "\t" : delimiter);
      if (!split.ok) {
        errors.push({ line, message: "A quote (\") is opened but never closed." });
        continue;
      }
      const fields = split.fields;
      if (header) {
        name = fields[header.name] ?? "";
        email = fields[header.email] ?? "";
      } else if (fields.length === 1) {
        errors.push({ line, message: looksLikeEmail(fields[0]!) ? "Missing a name: write “Name, email”." : "Missing an email address: write “Name, email”." });
        continue;
      } else if (fields.length > 2) {
        errors.push({ line, message: `Expected a name and an email, found ${fields.length} fields. Put a name with a comma in "quotes".` });
        continue;
      } else {
        [name, email] = looksLikeEmail(fields[0]!) && !looksLikeEmail(fields[1]!) ? [fields[1]!, fields[0]!] : [fields[0]!, fields[1]!];
      }
    }
    const parsedName = nameSchema.safeParse(name);
    const parsedEmail = emailSchema.safeParse(email);
    if (!parsedName.success) {
      errors.push({ line, message: name.trim() ? parsedName.error.issues[0]!.message : "Missing a name." });
      continue;
    }
    if (!parsedEmail.success) {
      errors.push({ line, message: email.trim() ? `“${email.slice(0, 80)}”: ${parsedEmail.error.issues[0]!.message}` : "Missing an email address." });
      continue;
    }
    const earlier = seen.get(parsedEmail.data);
    if (earlier !== undefined) {
      errors.push({ line, message: `${parsedEmail.data} is already on line ${earlier}.` });
      continue;
    }
    seen.set(parsedEmail.data, line);
    invitees.push({ line, name: parsedName.data, email: parsedEmail.data });
  }
  return { invitees, errors };
}
