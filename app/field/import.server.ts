import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { CsvError, parse } from "csv-parse";
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { db, rowsOf, type Executor } from "../../db/client.server";
import { canvassContacts, canvassImportChunks, canvassImports, type ContactResult, fieldDaily, groups, memberships, users, type UserRole } from "../../db/schema";
import { reportReach } from "../auth/policy";
import { hasControlCharacter } from "../lib/request.server";
import { logError } from "../lib/log.server";
import { accept, refuse, type Result } from "../lib/result";
import { CONTACT_COUNTS } from "./retention.server";
import { IMPORT_FIELDS, RESULT_SPELLINGS, headerKey, type CheckSummary, type ImportFieldKey, type ImportStatus, type LineProblem, type PersonBy } from "./import-format";

// Canvass results from another tool, as CSV (issue 17, ADR 027). Four steps, each streamed
// so 100,000 lines cost the same memory as 100: upload (checked for encoding, kept as text
// chunks in canvass_import_chunks), mapping + preview (a check pass that writes nothing),
// import (a server-side job: the check again, then batches that each write contacts, the
// field_daily rollup and the progress counts in one transaction), summary. Idempotent on
// (area, source, external id): a line already imported is counted, never added twice. The
// area is in the key because two branches may each run an account of the same tool, whose
// ids overlap: one organiser's "NationBuilder" must neither hide nor reveal another's
// (ADR 027, amended).

/** Where uploads arrive: server.js lets this one path past its 1 MB body cap, up to IMPORT_MAX_BYTES. */
export const IMPORT_UPLOAD_PATH = "/reports/imports/new";
/** 50 MB: a 100,000-line export is about 8 MB; room for wide exports with many extra columns (ADR 027). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
/**
 * A refused upload's body is still read to its end (and dropped) up to this size before the
 * answer: a client, a browser above all, that is still sending when the server closes the
 * connection gets a reset instead of the answer. Past it, the answer ends the connection.
 */
export const IMPORT_DRAIN_MAX_BYTES = 4 * IMPORT_MAX_BYTES;
/**
 * Text per staged chunk: 50 MB is 1,600 rows. Kept well under V8's 128 kB limit for objects
 * in the young generation: a larger string goes straight to old space (256 kB chunks put
 * every pass's whole file there, ~8.5 MB a pass at 100,000 lines; ADR 049).
 */
const CHUNK_CHARS = 32 * 1024;
/** Lines per batch: one lookup of people and existing ids, and one write transaction. */
const BATCH_ROWS = 1000;
/** Text handed to the CSV parser at once (see stagedText). */
const PARSE_SLICE_CHARS = 16 * 1024;
/** A line longer than this is not a canvass result; csv-parse stops there instead of buffering it. */
const MAX_RECORD_BYTES = 64 * 1024;
/** Problems kept to show; every one is counted. */
const ERRORS_KEPT = 200;
const PREVIEW_ROWS = 10;
/** Staged files nobody imported or cancelled are removed after a day. */
const STAGED_TTL_MS = 24 * 60 * 60 * 1000;

export interface Importer {
  id: string;
  role: UserRole;
}

export interface ImportMapping {
  externalId: number;
  person: number;
  personBy: PersonBy;
  date: number;
  area: number;
  result: number;
  support: number | null;
  commitment: number | null;
  skipUnknownPeople: boolean;
}

// ------------------------------------------------------------------ who sees which import

type Scope = { all: true } | { all: false; groupIds: string[] };

async function scopeOf(importer: Importer): Promise<Scope> {
  const reach = reportReach(importer.role);
  if (reach === "everything") return { all: true };
  if (reach !== "own groups") return { all: false, groupIds: [] };
  const rows = await db().select({ id: memberships.groupId }).from(memberships).where(eq(memberships.userId, importer.id));
  return { all: false, groupIds: rows.map((r) => r.id) };
}

// Organisers see the imports they made; admins every import.
const visibleTo = (importer: Importer) => (reportReach(importer.role) === "everything" ? sql`true` : eq(canvassImports.createdBy, importer.id));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CanvassImport = typeof canvassImports.$inferSelect;

export async function findImport(importer: Importer, id: string): Promise<CanvassImport | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db()
    .select()
    .from(canvassImports)
    .where(and(eq(canvassImports.id, id), visibleTo(importer)));
  return row;
}

export async function listImports(importer: Importer) {
  return db()
    .select({
      id: canvassImports.id,
      source: canvassImports.source,
      fileName: canvassImports.fileName,
      status: canvassImports.status,
      rowsTotal: canvassImports.rowsTotal,
      rowsAdded: canvassImports.rowsAdded,
      rowsAlreadyThere: canvassImports.rowsAlreadyThere,
      rowsSkipped: canvassImports.rowsSkipped,
      errorCount: canvassImports.errorCount,
      createdAt: canvassImports.createdAt,
      by: users.name,
    })
    .from(canvassImports)
    .leftJoin(users, eq(users.id, canvassImports.createdBy))
    .where(visibleTo(importer))
    .orderBy(desc(canvassImports.createdAt))
    .limit(100);
}

// ------------------------------------------------------------------ upload

export interface UploadValues {
  source: string;
  fileName: string;
}

/** closeConnection: the answer should end the connection (the rest of the body was not read). */
export type UploadResult =
  | { ok: true; id: string }
  | { ok: false; status: 400 | 413 | 415; errors: Partial<Record<"source" | "file" | "form", string>>; values: UploadValues; closeConnection?: boolean };

class UploadProblem extends Error {
  closeConnection = false;
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const SOURCE_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,59}$/u;

/**
 * Reads a multipart upload (fields `source` and `file`) as it arrives: never more than a
 * chunk of it in memory. The file must be UTF-8 CSV (a BOM is dropped); UTF-16 and Latin-1
 * files are refused with what to do. Nothing stays behind when the upload is refused.
 */
export async function uploadCanvassFile(importer: Importer, request: Request): Promise<UploadResult> {
  const values: UploadValues = { source: "", fileName: "" };
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    return { ok: false, status: 415, errors: { form: "Send the file from the upload form (a multipart form with a boundary)." }, values };
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > IMPORT_MAX_BYTES + 64 * 1024) {
    const closeConnection = request.body ? await discardRest(Readable.fromWeb(request.body as WebReadableStream<Uint8Array>)) : false;
    return { ok: false, status: 413, errors: { file: tooLargeMessage() }, values, ...(closeConnection ? { closeConnection } : {}) };
  }
  if (!request.body) return { ok: false, status: 400, errors: { file: "Choose a CSV file to upload." }, values };

  const [row] = await db().insert(canvassImports).values({ source: "", createdBy: importer.id, status: "uploading" }).returning({ id: canvassImports.id });
  const importId = row!.id;
  const fail = async (status: 400 | 413 | 415, errors: Extract<UploadResult, { ok: false }>["errors"], closeConnection = false): Promise<UploadResult> => {
    await db().delete(canvassImports).where(eq(canvassImports.id, importId));
    return { ok: false, status, errors, values, ...(closeConnection ? { closeConnection } : {}) };
  };

  let stored: { bytes: number; rows: number } | undefined;
  try {
    stored = await readMultipart(request, contentType, values, importId);
  } catch (error) {
    if (error instanceof UploadProblem) return fail(error.status, { file: error.message }, error.closeConnection);
    await db().delete(canvassImports).where(eq(canvassImports.id, importId));
    throw error;
  }
  const errors: Extract<UploadResult, { ok: false }>["errors"] = {};
  values.source = values.source.trim();
  if (!values.source) errors.source = "Name the tool the file came from (for example “MiniVAN” or “Reach”): with each line's id, it is what keeps a re-import from adding anything twice.";
  else if (!SOURCE_PATTERN.test(values.source)) errors.source = "Use up to 60 letters, digits, spaces, dots, dashes or underscores.";
  if (!stored) errors.file = "Choose a CSV file to upload.";
  else if (stored.rows < 2) errors.file = "This file has a header line but no results under it (or nothing at all).";
  if (errors.source || errors.file) return fail(400, errors);

  await db()
    .update(canvassImports)
    .set({ source: values.source, fileName: values.fileName, status: "staged", rowsTotal: stored!.rows - 1, byteSize: stored!.bytes })
    .where(eq(canvassImports.id, importId));
  // Files uploaded and then left (never imported, never cancelled) go after a day; here,
  // after a successful upload, so that a refused request changes nothing.
  await db()
    .delete(canvassImports)
    .where(and(or(eq(canvassImports.status, "staged"), eq(canvassImports.status, "refused"), eq(canvassImports.status, "uploading")), lt(canvassImports.createdAt, new Date(Date.now() - STAGED_TTL_MS))));
  return { ok: true, id: importId };
}

const tooLargeMessage = () => `This file is larger than the ${IMPORT_MAX_BYTES / 1024 / 1024} MB we accept. Split it into several files and import each.`;

function readMultipart(request: Request, contentType: string, values: UploadValues, importId: string): Promise<{ bytes: number; rows: number } | undefined> {
  return new Promise((resolve, reject) => {
    const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fields: 5, fieldSize: 1024, fileSize: IMPORT_MAX_BYTES, parts: 8 } });
    } catch {
      reject(new UploadProblem(400, "This upload could not be read (its multipart body is malformed)."));
      return;
    }
    let filePromise: Promise<{ bytes: number; rows: number } | undefined> = Promise.resolve(undefined);
    let problem: UploadProblem | undefined;
    let refusing = false;
    const refuseAfterBody = (error: unknown) => {
      if (refusing) return;
      refusing = true;
      body.unpipe(parser);
      void discardRest(body).then((closeConnection) => {
        if (error instanceof UploadProblem) error.closeConnection = closeConnection;
        reject(error);
      });
    };
    parser.on("field", (name, value) => {
      if (hasControlCharacter(value, "name")) problem ??= new UploadProblem(400, "This form holds control characters that no form of ours sends.");
      else if (name === "source") values.source = value.slice(0, 200);
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file") {
        stream.resume();
        return;
      }
      values.fileName = (hasControlCharacter(info.filename ?? "", "name") ? "" : (info.filename ?? "")).slice(0, 200);
      filePromise = storeFile(stream, importId);
      // A refused file is refused at once: nothing more is parsed or stored, but the rest of
      // the body is still read (and dropped) before the answer. Destroying the body instead
      // would destroy the socket with it, and the client would get no answer at all.
      filePromise.catch((error: unknown) => refuseAfterBody(error));
    });
    parser.on("error", () => refuseAfterBody(new UploadProblem(400, "This upload could not be read (its multipart body is malformed or was cut off).")));
    parser.on("close", () => {
      filePromise.then((stored) => (problem ? reject(problem) : resolve(stored)), reject);
    });
    body.on("error", () => reject(new UploadProblem(400, "The upload was cut off before it finished.")));
    body.pipe(parser);
  });
}

/**
 * Reads the rest of a refused upload's body and drops it, so that the answer reaches a
 * client still sending (IMPORT_DRAIN_MAX_BYTES). Resolves true when the connection should
 * close after the answer: the body went on past that (only a chunked body can; a declared
 * length is capped in server.js), or broke off.
 */
function discardRest(body: Readable): Promise<boolean> {
  return new Promise((resolve) => {
    let bytes = 0;
    const done = (closeConnection: boolean) => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      if (closeConnection) body.pause();
      resolve(closeConnection);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > IMPORT_DRAIN_MAX_BYTES) done(true);
    };
    const onEnd = () => done(false);
    const onError = () => done(true);
    if (body.readableEnded) return resolve(false);
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
    body.resume();
  });
}

/** Checks and stores the file's text; resolves with its size and number of CSV records. */
async function storeFile(stream: Readable & { truncated?: boolean }, importId: string): Promise<{ bytes: number; rows: number } | undefined> {
  let bytes = 0;
  let seq = 0;
  let lines = 1;
  let pending = "";
  let sawAny = false;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let limitHit = false;
  stream.on("limit", () => {
    limitHit = true;
  });

  async function flush(force: boolean) {
    while (pending.length >= CHUNK_CHARS || (force && pending.length > 0)) {
      const content = pending.slice(0, CHUNK_CHARS);
      pending = pending.slice(content.length);
      await db().insert(canvassImportChunks).values({ importId, seq, content });
      seq += 1;
    }
  }

  // The decoded text, checked and stored as it passes through to the CSV parser (which
  // counts records and finds malformed quoting now, not at import time).
  async function* checkedText(): AsyncGenerator<string> {
    let first = true;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (limitHit) throw new UploadProblem(413, tooLargeMessage());
      bytes += chunk.length;
      if (first) {
        first = false;
        if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
          throw new UploadProblem(400, "This file is UTF-16 text, not UTF-8. In your spreadsheet, save it as “CSV UTF-8” and upload that.");
        }
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const loose = new TextDecoder("utf-8").decode(chunk);
        const at = loose.indexOf("\uFFFD");
        const line = lines + (at < 0 ? 0 : countLines(loose.slice(0, at)));
        throw new UploadProblem(
          400,
          `This file is not UTF-8 text (line ${line} holds a character in another encoding, probably Latin-1 or Windows-1252). In your spreadsheet, save it as “CSV UTF-8” and upload that.`,
        );
      }
      if (text.includes("\u0000")) {
        throw new UploadProblem(400, `This file holds NUL bytes (line ${lines + countLines(text.slice(0, text.indexOf("\u0000")))}): it is not UTF-8 CSV (perhaps UTF-16, or a spreadsheet file). Save it as “CSV UTF-8” and upload that.`);
      }
      if (hasControlCharacter(text, "text")) {
        throw new UploadProblem(400, `This file holds control characters (line ${lines + countLines(text.slice(0, text.search(CONTROL_TEXT)))}) that a CSV export does not: is it really CSV?`);
      }
      lines += countLines(text);
      if (text) sawAny = true;
      pending += text;
      await flush(false);
      yield text;
    }
    if (limitHit || stream.truncated) throw new UploadProblem(413, tooLargeMessage());
    try {
      const rest = decoder.decode();
      pending += rest;
      if (rest) yield rest;
    } catch {
      throw new UploadProblem(400, `This file is not UTF-8 text: it ends part-way through a character (line ${lines}). Save it as “CSV UTF-8” and upload that.`);
    }
    await flush(true);
  }

  let rows = 0;
  try {
    for await (const _record of csvRecords(checkedText())) rows += 1;
  } catch (error) {
    if (error instanceof UploadProblem) throw error;
    const problem = csvProblem(error);
    if (problem) throw new UploadProblem(400, `Line ${problem.line}: ${problem.message} Nothing was uploaded.`);
    throw error;
  }
  return sawAny ? { bytes, rows } : undefined;
}

// eslint-disable-next-line no-control-regex
const CONTROL_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const countLines = (text: string) => {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n += 1;
  return n;
};

// ------------------------------------------------------------------ reading CSV

interface CsvRecord {
  line: number;
  fields: string[];
}

/** Records of CSV text as they arrive, with the line each starts on. Comma or semicolon, sniffed from the header. */
async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const iterator = text[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const headerLine = first.value.slice(0, first.value.indexOf("\n") >>> 0);
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  async function* again() {
    yield first.value as string;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  // Line numbers are counted here rather than asked of csv-parse (`info: true`): its info
  // option builds three objects of some twenty fields per record, the largest share of the
  // garbage a 100,000-line import promoted into V8's old space (ADR 049). Empty lines are kept
  // by the parser so that they are counted, and skipped below.
  const parser = parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: MAX_RECORD_BYTES });
  // pipeline: an error in the source (a bad encoding) reaches the loop below, and leaving
  // the loop early (the preview) stops reading the source.
  pipeline(Readable.from(again(), { highWaterMark: 1 }), parser, () => {});
  let line = 1;
  for await (const record of parser as AsyncIterable<string[]>) {
    const at = line;
    let lineBreaks = 0;
    for (const field of record) lineBreaks += countLines(field);
    line += 1 + lineBreaks;
    if (record.length === 1 && record[0] === "") continue;
    yield { line: at, fields: record };
  }
}

/** A CSV syntax error, in words, with its line; undefined when the error is something else. */
function csvProblem(error: unknown): LineProblem | undefined {
  if (!(error instanceof CsvError)) return undefined;
  const line = (error as CsvError & { lines?: number }).lines ?? 0;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return { line, message: "a quoted field is never closed (a \" is missing), so the rest of the file cannot be read." };
    case "INVALID_OPENING_QUOTE":
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return { line, message: "a quote stands in the middle of a field. Quote the whole field and double any quote inside it (\"like \"\"this\"\"\")." };
    case "CSV_MAX_RECORD_SIZE":
      return { line, message: `this line is longer than ${MAX_RECORD_BYTES / 1024} kB, which no canvass result is.` };
    default:
      return { line, message: "this is not valid CSV." };
  }
}

async function* stagedText(importId: string): AsyncGenerator<string> {
  for (let seq = 0; ; seq++) {
    const [chunk] = await db()
      .select({ content: canvassImportChunks.content })
      .from(canvassImportChunks)
      .where(and(eq(canvassImportChunks.importId, importId), eq(canvassImportChunks.seq, seq)));
    if (!chunk) return;
    // Fed to the parser a slice at a time: it parses everything it is given at once, and
    // records waiting for a slow batch outlive V8's young generation, so a whole chunk's
    // worth would be promoted (measured: +200 MB of heap at 100,000 lines, all garbage).
    for (let at = 0; at < chunk.content.length; at += PARSE_SLICE_CHARS) yield chunk.content.slice(at, at + PARSE_SLICE_CHARS);
  }
}

/** The header and the first lines as they are, for the mapping page. */
export async function stagedSample(importId: string): Promise<{ header: string[]; rows: CsvRecord[] } | { problem: LineProblem }> {
  const rows: CsvRecord[] = [];
  let header: string[] = [];
  try {
    for await (const record of csvRecords(stagedText(importId))) {
      if (!header.length) header = record.fields.map((f) => f.trim());
      else rows.push(record);
      if (rows.length >= 5) break;
    }
  } catch (error) {
    const problem = csvProblem(error);
    if (problem) return { problem };
    throw error;
  }
  return { header, rows };
}

// ------------------------------------------------------------------ mapping


/** A first mapping from the header's names; the organiser checks and corrects it. */
export function guessMapping(header: string[], saved?: Record<string, string>): Record<string, string> {
  if (saved && Object.keys(saved).length) return saved;
  const mapping: Record<string, string> = { personBy: "email" };
  for (const field of IMPORT_FIELDS) {
    const names = new Set<string>(field.names.map(headerKey));
    const at = header.findIndex((name) => names.has(headerKey(name)));
    mapping[field.key] = at < 0 ? "" : String(at);
  }
  if (mapping.person && /id$/i.test(header[Number(mapping.person)] ?? "")) mapping.personBy = "id";
  return mapping;
}

export type MappingResult = { ok: true; mapping: ImportMapping; raw: Record<string, string> } | { ok: false; errors: Partial<Record<string, string>>; raw: Record<string, string> };

/** The column choices from the mapping form, against the file's header. */
export function readMapping(form: FormData, columns: number): MappingResult {
  const raw: Record<string, string> = {};
  const errors: Partial<Record<string, string>> = {};
  const picked: Partial<Record<ImportFieldKey, number | null>> = {};
  for (const field of IMPORT_FIELDS) {
    const value = form.get(field.key);
    const text = typeof value === "string" ? value.trim().slice(0, 10) : "";
    raw[field.key] = text;
    if (text === "") {
      if (field.required) errors[field.key] = `Pick the column that holds the ${field.label.toLowerCase()}.`;
      picked[field.key] = null;
    } else if (!/^\d{1,4}$/.test(text) || Number(text) >= columns) {
      errors[field.key] = "Pick one of the file's columns.";
    } else picked[field.key] = Number(text);
  }
  const personBy = form.get("personBy");
  raw.personBy = personBy === "id" ? "id" : "email";
  if (personBy !== null && personBy !== "email" && personBy !== "id") errors.personBy = "Say whether canvassers are named by email or by Doorstep person id.";
  raw.skipUnknown = form.get("skipUnknown") === "yes" ? "yes" : "";
  // One column cannot be two things: the contact id, say, is never also the canvasser.
  const seen = new Map<number, string>();
  for (const field of IMPORT_FIELDS) {
    const at = picked[field.key];
    if (at === null || at === undefined || errors[field.key]) continue;
    const other = seen.get(at);
    if (other) errors[field.key] = `That column is already the ${other.toLowerCase()}.`;
    else seen.set(at, field.label);
  }
  if (Object.keys(errors).length) return { ok: false, errors, raw };
  return {
    ok: true,
    raw,
    mapping: {
      externalId: picked.externalId!,
      person: picked.person!,
      personBy: raw.personBy as PersonBy,
      date: picked.date!,
      area: picked.area!,
      result: picked.result!,
      support: picked.support ?? null,
      commitment: picked.commitment ?? null,
      skipUnknownPeople: raw.skipUnknown === "yes",
    },
  };
}

// ------------------------------------------------------------------ one line → one contact

const YES = new Set(["yes", "y", "true", "1", "x"]);
const NO = new Set(["", "no", "n", "false", "0"]);

interface ParsedLine {
  line: number;
  externalId: string;
  person: string;
  day: string;
  area: string;
  result: ContactResult;
  support: number | null;
  commitment: boolean;
}

const shown = (value: string) => `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;

function isoDay(value: string): string | undefined {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** One record against the mapping: the contact it describes, or what is wrong with it. */
export function parseLine(record: CsvRecord, mapping: ImportMapping, columns: number, today = new Date()): ParsedLine | LineProblem {
  const { line, fields } = record;
  const problem = (message: string): LineProblem => ({ line, message });
  if (fields.length !== columns) return problem(`has ${fields.length} ${fields.length === 1 ? "field" : "fields"} where the header has ${columns}.`);
  const at = (i: number) => (fields[i] ?? "").trim();
  for (const field of fields) if (hasControlCharacter(field, "text")) return problem("holds control characters.");

  const externalId = at(mapping.externalId);
  if (!externalId) return problem("has no contact id.");
  if (externalId.length > 200) return problem("its contact id is longer than 200 characters.");
  const person = mapping.personBy === "email" ? at(mapping.person).toLowerCase() : at(mapping.person);
  if (!person) return problem("names no canvasser.");
  if (mapping.personBy === "email" && !/^[^\s@]+@[^\s@]+$/.test(person)) return problem(`the canvasser ${shown(person)} is not an email address.`);
  const dateText = at(mapping.date);
  const day = isoDay(dateText);
  if (!day) return problem(`the date ${shown(dateText)} is not a date (use 2026-05-02 or 02/05/2026).`);
  const tomorrow = new Date(today.getTime() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  if (day > tomorrow) return problem(`the date ${day} is in the future.`);
  if (day < "2000-01-01") return problem(`the date ${day} is before 2000.`);
  const area = at(mapping.area);
  if (!area) return problem("names no area.");
  const resultText = at(mapping.result);
  const result = RESULT_SPELLINGS[resultText.toLowerCase().replace(/_/g, "-").replace(/\s+/g, " ")] ?? RESULT_SPELLINGS[resultText.toLowerCase().replace(/[-_]/g, " ")];
  if (!result) return problem(`the contact result ${shown(resultText)} is not one we know (use no-answer, contact or conversation).`);
  let support: number | null = null;
  if (mapping.support !== null) {
    const supportText = at(mapping.support);
    if (supportText) {
      if (!/^[1-5]$/.test(supportText)) return problem(`the support level ${shown(supportText)} is not 1 to 5 (or blank).`);
      support = Number(supportText);
      if (result !== "conversation") return problem("has a support level but no conversation (support can only be learnt in one).");
    }
  }
  let commitment = false;
  if (mapping.commitment !== null) {
    const text = at(mapping.commitment).toLowerCase();
    if (YES.has(text)) commitment = true;
    else if (!NO.has(text)) return problem(`the commitment ${shown(text)} is not yes or no (or blank).`);
    if (commitment && result !== "conversation") return problem("has a commitment but no conversation (a commitment is asked for in one).");
  }
  return { line, externalId, person, day, area, result, support, commitment };
}

const isProblem = (value: ParsedLine | LineProblem): value is LineProblem => "message" in value;

// ------------------------------------------------------------------ the passes

interface Resolved {
  parsed: ParsedLine;
  userId: string;
  canvasser: string;
  groupId: string;
  areaName: string;
}

interface Areas {
  byKey: Map<string, { id: string; name: string }>;
}

async function areasFor(importer: Importer): Promise<Areas> {
  const scope = await scopeOf(importer);
  const rows =
    scope.all ? await db().select({ id: groups.id, name: groups.name }).from(groups)
    : scope.groupIds.length ? await db().select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, scope.groupIds))
    : [];
  const byKey = new Map<string, { id: string; name: string }>();
  for (const row of rows) {
    byKey.set(row.id.toLowerCase(), row);
    byKey.set(row.name.trim().toLowerCase(), row);
  }
  return { byKey };
}

/** The canvassers this batch names, among the people the importer may see (organisers: members of their groups). */
async function peopleOf(importer: Importer, scope: Scope, lines: ParsedLine[], by: PersonBy): Promise<Map<string, { id: string; name: string }>> {
  const keys = [...new Set(lines.map((l) => l.person))];
  const found = new Map<string, { id: string; name: string }>();
  if (!keys.length || (!scope.all && !scope.groupIds.length)) return found;
  const column = by === "email" ? users.email : users.id;
  const inScope = scope.all
    ? sql`true`
    : sql`exists (select 1 from ${memberships} m where m.user_id = ${users.id} and m.group_id in (${sql.join(
        scope.groupIds.map((id) => sql`${id}`),
        sql`, `,
      )}))`;
  const rows = await db().select({ id: users.id, email: users.email, name: users.name }).from(users).where(and(inArray(column, keys), inScope));
  for (const row of rows) found.set(by === "email" ? row.email : row.id, { id: row.id, name: row.name });
  return found;
}

interface Pass {
  importer: Importer;
  importId: string;
  source: string;
  mapping: ImportMapping;
  /** Each batch's lines that are good, once checked: the import writes them; the check only counts. */
  onBatch?: (good: Resolved[], counts: { unknown: number; rows: number }) => Promise<void>;
  /** After each batch, with the number of lines read so far. */
  onProgress?: (rows: number) => Promise<void>;
  /** Look up which good lines are already stored (the check page shows it; the job's passes do not need it). */
  countAlreadyThere?: boolean;
}

/** Reads the staged file once against the mapping: every problem with its line, the first lines' preview, and counts. */
async function pass(options: Pass): Promise<CheckSummary> {
  const { importer, importId, source, mapping } = options;
  const scope = await scopeOf(importer);
  const areas = await areasFor(importer);
  // Each line lands in exactly one count (CheckSummary says in which order).
  const summary: CheckSummary = { rows: 0, newRows: 0, alreadyThere: 0, unknownPeople: 0, errorCount: 0, unknownToFix: 0, errors: [], preview: [] };
  const firstLineOf = new Map<string, number>();
  const note = (problem: LineProblem) => {
    summary.errorCount += 1;
    if (summary.errors.length < ERRORS_KEPT) summary.errors.push(problem);
  };
  let columns = 0;
  let batch: ParsedLine[] = [];

  async function settle() {
    if (!batch.length) return;
    const lines = batch;
    batch = [];
    const people = await peopleOf(importer, scope, lines, mapping.personBy);
    const good: Resolved[] = [];
    let unknown = 0;
    for (const parsed of lines) {
      const person = people.get(parsed.person);
      const area = areas.byKey.get(parsed.area.toLowerCase());
      let message: string | undefined;
      if (!person) {
        // The same words whether nobody has that address or they are outside the organiser's groups.
        message = mapping.skipUnknownPeople
          ? `we know no canvasser ${shown(parsed.person)} in your groups: this line will be skipped.`
          : `we know no canvasser ${shown(parsed.person)} in your groups. Invite them first, or choose to skip people we don't know.`;
        if (mapping.skipUnknownPeople) {
          unknown += 1;
          summary.unknownPeople += 1;
        } else {
          note({ line: parsed.line, message });
          summary.unknownToFix += 1;
        }
      } else if (!area) {
        message = `the area ${shown(parsed.area)} is not one of your groups.`;
        note({ line: parsed.line, message });
      } else good.push({ parsed, userId: person.id, canvasser: person.name, groupId: area.id, areaName: area.name });
      if (message && summary.preview.length < PREVIEW_ROWS) {
        summary.preview.push({ line: parsed.line, outcome: { ok: false, message, unknownPerson: !person } });
      }
      if (!message && summary.preview.length < PREVIEW_ROWS) {
        const r = good.at(-1)!;
        summary.preview.push({
          line: parsed.line,
          outcome: { ok: true, canvasser: r.canvasser, area: r.areaName, day: parsed.day, result: parsed.result, support: parsed.support, commitment: parsed.commitment, alreadyThere: false },
        });
      }
    }
    summary.rows += lines.length;
    // The check page counts what is already there; the import learns it from ON CONFLICT instead.
    if (good.length && options.countAlreadyThere) {
      const there = await alreadyImported(db(), source, good);
      const isThere = (g: Resolved) => there.has(contactKey(g.groupId, g.parsed.externalId));
      const thereCount = good.filter(isThere).length;
      summary.alreadyThere += thereCount;
      summary.newRows += good.length - thereCount;
      for (const row of summary.preview) {
        if (row.outcome.ok && !row.outcome.alreadyThere && good.some((g) => g.parsed.line === row.line && isThere(g))) row.outcome.alreadyThere = true;
      }
    }
    await options.onBatch?.(good, { unknown, rows: lines.length });
    await options.onProgress?.(summary.rows);
    // PGlite answers in-process, so a chain of its queries never waits on I/O: without this
    // the job would hold the event loop until it ends, and no page (not even the progress
    // bar) would be served meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
  }

  let headerSeen = false;
  try {
    for await (const record of csvRecords(stagedText(importId))) {
      if (!headerSeen) {
        headerSeen = true;
        columns = record.fields.length;
        continue;
      }
      const parsed = parseLine(record, mapping, columns);
      if (isProblem(parsed)) {
        note(parsed);
        summary.rows += 1;
        if (summary.preview.length < PREVIEW_ROWS) summary.preview.push({ line: parsed.line, outcome: { ok: false, message: parsed.message, unknownPerson: false } });
        continue;
      }
      const earlier = firstLineOf.get(parsed.externalId);
      if (earlier !== undefined) {
        const message = `its contact id ${shown(parsed.externalId)} is also on line ${earlier}: each contact attempt should be in the file once.`;
        note({ line: parsed.line, message });
        summary.rows += 1;
        if (summary.preview.length < PREVIEW_ROWS) summary.preview.push({ line: parsed.line, outcome: { ok: false, message, unknownPerson: false } });
        continue;
      }
      firstLineOf.set(parsed.externalId, parsed.line);
      batch.push(parsed);
      if (batch.length >= BATCH_ROWS) await settle();
    }
    await settle();
  } catch (error) {
    const problem = csvProblem(error);
    if (!problem) throw error;
    note(problem);
  }
  summary.preview.sort((a, b) => a.line - b.line);
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}

// ------------------------------------------------------------------ commands

const mappingRecord = (mapping: ImportMapping): Record<string, string> => ({
  externalId: String(mapping.externalId),
  person: String(mapping.person),
  personBy: mapping.personBy,
  date: String(mapping.date),
  area: String(mapping.area),
  result: String(mapping.result),
  support: mapping.support === null ? "" : String(mapping.support),
  commitment: mapping.commitment === null ? "" : String(mapping.commitment),
  skipUnknown: mapping.skipUnknownPeople ? "yes" : "",
});

const mayChangeMapping = (status: string) => status === "staged" || status === "refused";

/** The check and preview: reads the whole file against the mapping, writes nothing but the mapping itself. */
export async function checkImport(importer: Importer, record: CanvassImport, mapping: ImportMapping): Promise<Result<CheckSummary>> {
  if (!mayChangeMapping(record.status)) return refuse(409, "This import has already started: its mapping can no longer change.");
  await db().update(canvassImports).set({ mapping: mappingRecord(mapping) }).where(eq(canvassImports.id, record.id));
  return accept(await pass({ importer, importId: record.id, source: record.source, mapping, countAlreadyThere: true }));
}

/** Removes a staged import and its file. Nothing had been written, so nothing else changes. */
export async function cancelImport(record: CanvassImport): Promise<Result<null>> {
  if (!mayChangeMapping(record.status)) return refuse(409, "This import has already started, so it can no longer be cancelled.");
  await db()
    .delete(canvassImports)
    .where(and(eq(canvassImports.id, record.id), or(eq(canvassImports.status, "staged"), eq(canvassImports.status, "refused"))));
  return accept(null);
}

const running = new Map<string, Promise<void>>();

/** The job of an import started in this process, for tests and the bench to wait on. */
export const importJob = (id: string): Promise<void> | undefined => running.get(id);

/**
 * Starts the import on the server and returns at once; the page follows its counts. The
 * status moves staged → checking atomically, so two clicks (or two instances) start it once.
 */
export async function startImport(importer: Importer, record: CanvassImport, mapping: ImportMapping): Promise<Result<null>> {
  const claimed = await db()
    .update(canvassImports)
    .set({ status: "checking", mapping: mappingRecord(mapping), rowsRead: 0, errors: [], errorCount: 0, heartbeatAt: sql`now()` })
    .where(and(eq(canvassImports.id, record.id), or(eq(canvassImports.status, "staged"), eq(canvassImports.status, "refused"))))
    .returning({ id: canvassImports.id });
  if (!claimed.length) return refuse(409, "This import has already started.");
  launch(importer, record, mapping, false);
  return accept(null);
}

/** Runs the job in the background, recording an unexpected failure as "failed". */
function launch(importer: Importer, record: CanvassImport, mapping: ImportMapping, resumed: boolean): void {
  const job = runImport(importer, { ...record, status: "checking" }, mapping, resumed)
    .catch(async (error: unknown) => {
      logError(error, `canvass import ${record.id}`);
      await db()
        .update(canvassImports)
        .set({ status: "failed" satisfies ImportStatus, finishedAt: new Date() })
        .where(eq(canvassImports.id, record.id))
        .catch(() => {});
    })
    .finally(() => running.delete(record.id));
  running.set(record.id, job);
}

/** How long a running job may go without a heartbeat before it counts as dead (a batch takes seconds). */
export const STALLED_AFTER_SECONDS = 120;

/** Whether the organiser may resume this import: it failed, or its job stopped beating. */
export function isResumable(record: Pick<CanvassImport, "status" | "heartbeatAt">, now = new Date()): boolean {
  if (record.status === "failed") return true;
  if (record.status !== "checking" && record.status !== "importing") return false;
  return !record.heartbeatAt || now.getTime() - record.heartbeatAt.getTime() > STALLED_AFTER_SECONDS * 1000;
}

/**
 * Starts again an import that failed or whose process died: the check pass, then the write
 * pass over the whole staged file (kept until an import is done). Batches the dead job
 * committed are found by (area, source, external id) and counted as this import's own, so the
 * summary reads as if it had never stopped, and nothing is added twice. The claim is one
 * guarded UPDATE, so two clicks (or two instances) resume it once, and a job still beating
 * is never doubled.
 */
export async function resumeImport(importer: Importer, record: CanvassImport): Promise<Result<null>> {
  const sample = await stagedSample(record.id);
  if (!("header" in sample)) return refuse(409, "The uploaded file is no longer readable, so this import can't be resumed. Upload the file again: nothing is added twice.");
  const form = new FormData();
  for (const [key, value] of Object.entries(record.mapping)) form.set(key, value);
  const read = readMapping(form, sample.header.length);
  if (!read.ok) return refuse(409, "This import's column choices no longer fit its file, so it can't be resumed. Upload the file again: nothing is added twice.");
  const claimed = await db()
    .update(canvassImports)
    .set({ status: "checking", rowsRead: 0, rowsAdded: 0, rowsAlreadyThere: 0, rowsSkipped: 0, errors: [], errorCount: 0, finishedAt: null, heartbeatAt: sql`now()` })
    .where(
      and(
        eq(canvassImports.id, record.id),
        or(
          eq(canvassImports.status, "failed"),
          and(
            inArray(canvassImports.status, ["checking", "importing"]),
            or(isNull(canvassImports.heartbeatAt), lt(canvassImports.heartbeatAt, sql`now() - make_interval(secs => ${STALLED_AFTER_SECONDS})`)),
          ),
        ),
      ),
    )
    .returning({ id: canvassImports.id });
  if (!claimed.length) return refuse(409, "This import is still running (or has finished): there is nothing to resume.");
  launch(importer, record, read.mapping, true);
  return accept(null);
}

async function runImport(importer: Importer, record: CanvassImport, mapping: ImportMapping, resumed: boolean): Promise<void> {
  const id = record.id;
  // First every line is checked, writing nothing: a file with problems is refused whole.
  const checked = await pass({
    importer,
    importId: id,
    source: record.source,
    mapping,
    onProgress: async (rows) => {
      await db().update(canvassImports).set({ rowsRead: rows, heartbeatAt: sql`now()` }).where(eq(canvassImports.id, id));
    },
  });
  if (checked.errorCount > 0) {
    await db()
      .update(canvassImports)
      .set({ status: "refused" satisfies ImportStatus, rowsRead: checked.rows, errors: checked.errors, errorCount: checked.errorCount })
      .where(eq(canvassImports.id, id));
    return;
  }
  await db().update(canvassImports).set({ status: "importing" satisfies ImportStatus, rowsRead: checked.rows, heartbeatAt: sql`now()` }).where(eq(canvassImports.id, id));
  // Then the writes, a batch a transaction: contacts, their rollup and the counts together,
  // so the progress bar never runs ahead of what is stored. A batch that finds a line
  // imported meanwhile counts it as already there (ON CONFLICT), never twice.
  await pass({
    importer,
    importId: id,
    source: record.source,
    mapping,
    onBatch: (good, counts) =>
      db().transaction(async (tx) => {
        // Read before inserting: the lines of this batch the stopped job had already added.
        const earlier = resumed ? await addedEarlier(tx, id, record.source, good) : 0;
        const added = earlier + (await insertContacts(tx, id, record.source, good));
        await tx
          .update(canvassImports)
          .set({
            rowsAdded: sql`${canvassImports.rowsAdded} + ${added}`,
            rowsAlreadyThere: sql`${canvassImports.rowsAlreadyThere} + ${good.length - added}`,
            rowsSkipped: sql`${canvassImports.rowsSkipped} + ${counts.unknown}`,
            heartbeatAt: sql`now()`,
          })
          .where(eq(canvassImports.id, id));
      }),
  });
  await db().transaction(async (tx) => {
    await tx.update(canvassImports).set({ status: "done" satisfies ImportStatus, finishedAt: new Date() }).where(eq(canvassImports.id, id));
    await tx.delete(canvassImportChunks).where(eq(canvassImportChunks.importId, id));
  });
}

const contactKey = (groupId: string, externalId: string) => `${groupId} ${externalId}`;

/**
 * This batch's lines already stored, as contactKey()s: only rows of the same source in the
 * lines' own areas (the key, ADR 027), so another branch's rows with the same ids are
 * neither counted nor revealed.
 */
async function alreadyImported(executor: Executor, source: string, good: Resolved[], importId?: string): Promise<Set<string>> {
  if (!good.length) return new Set();
  const found = await executor
    .select({ groupId: canvassContacts.groupId, externalId: canvassContacts.externalId })
    .from(canvassContacts)
    .where(
      and(
        eq(canvassContacts.source, source),
        inArray(canvassContacts.groupId, [...new Set(good.map((g) => g.groupId))]),
        inArray(canvassContacts.externalId, good.map((g) => g.parsed.externalId)),
        importId === undefined ? undefined : eq(canvassContacts.importId, importId),
      ),
    );
  // The query matched ids and areas separately; only a line's own pair counts.
  const stored = new Set(found.map((r) => contactKey(r.groupId, r.externalId)));
  return new Set(good.map((g) => contactKey(g.groupId, g.parsed.externalId)).filter((key) => stored.has(key)));
}

/** On a resumed import, how many of this batch's lines the job that stopped had already added (they carry this import's id). */
async function addedEarlier(tx: Executor, importId: string, source: string, good: Resolved[]): Promise<number> {
  return (await alreadyImported(tx, source, good, importId)).size;
}

/**
 * Writes a batch in one statement: the contacts, and their counts into field_daily from the
 * rows the insert actually added (a line already there adds nothing to either). The lines go
 * in as one array per column through unnest(), so the statement's text and its nine
 * parameters are the same for every batch: building a 1,000-row VALUES list with Drizzle's
 * insert builder made ~9,000 parameter objects and chunks per batch, and was over a third of
 * everything the import allocated (ADR 049). The rollup uses the same per-contact counts
 * (CONTACT_COUNTS) as retention, which takes them out again.
 */
async function insertContacts(tx: Executor, importId: string, source: string, good: Resolved[]): Promise<number> {
  if (!good.length) return 0;
  const column = <T>(pick: (g: Resolved) => T) => sql.param(good.map(pick));
  // Days and commitments go as text and are cast in SQL: postgres.js types a JS boolean
  // array as one boolean (which PostgreSQL will not read as boolean[]), and Drizzle passes
  // date[] parameters through unserialised.
  const [row] = rowsOf<{ added: number }>(
    await tx.execute(sql`
      with added as (
        insert into ${canvassContacts} (source, external_id, import_id, user_id, group_id, day, result, support, commitment)
        select ${source}::text, line.external_id, ${importId}::uuid, line.user_id, line.group_id, line.day::date, line.result, line.support, line.commitment::boolean
        from unnest(
          ${column((g) => g.parsed.externalId)}::text[], ${column((g) => g.userId)}::text[], ${column((g) => g.groupId)}::uuid[],
          ${column((g) => g.parsed.day)}::text[], ${column((g) => g.parsed.result)}::text[], ${column((g) => g.parsed.support)}::smallint[],
          ${column((g) => (g.parsed.commitment ? "true" : "false"))}::text[]
        ) as line(external_id, user_id, group_id, day, result, support, commitment)
        on conflict (group_id, source, external_id) do nothing
        returning user_id, group_id, day, result, commitment
      ),
      counted as (
        insert into ${fieldDaily} (user_id, group_id, day, attempts, contacts, conversations, commitments)
        select user_id, group_id, day, sum(${CONTACT_COUNTS.attempts})::int, sum(${CONTACT_COUNTS.contacts})::int,
               sum(${CONTACT_COUNTS.conversations})::int, sum(${CONTACT_COUNTS.commitments})::int
        from added group by user_id, group_id, day
        on conflict (user_id, group_id, day) do update set
          attempts = ${fieldDaily}.attempts + excluded.attempts,
          contacts = ${fieldDaily}.contacts + excluded.contacts,
          conversations = ${fieldDaily}.conversations + excluded.conversations,
          commitments = ${fieldDaily}.commitments + excluded.commitments
      )
      select count(*)::int as added from added`),
  );
  return Number(row?.added ?? 0);
}
