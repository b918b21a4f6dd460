/**
 * The one way server code writes an error to the log.
 *
 * What a database error carries must not reach the log as it is: Drizzle wraps every
 * driver error in a DrizzleQueryError whose message (and so its stack) is "Failed query:
 * … params: …", and the params of an insert into `users` are an email address and an
 * argon2id hash. The driver's own error is no better: PostgreSQL's `detail` says "Key
 * (email)=(…) already exists" or "Failing row contains (…every value…)". So the log gets
 * the SQL text (placeholders, never values), the driver's code and message, the table
 * and constraint, and the stack frames, and nothing else.
 */

interface DriverError {
  code?: unknown;
  severity?: unknown;
  table_name?: unknown;
  constraint_name?: unknown;
  table?: unknown;
  constraint?: unknown;
}

/** PostgreSQL quotes the offending value at the end of some messages: `…: "value"`. */
const QUOTED_VALUE = /: ".*"$/s;

function stackFrames(error: Error): string {
  // The first lines of a stack repeat the message; only the frames are safe.
  return (error.stack ?? "")
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n");
}

function isDrizzleQueryError(error: Error): error is Error & { query: string; cause?: unknown } {
  return typeof (error as { query?: unknown }).query === "string" && error.message.startsWith("Failed query:");
}

/** One line about one error of a chain: its name, driver code and a value-free message. */
function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown: ${typeof error}`;
  const driver = error as Error & DriverError;
  const parts = [error.name === "Error" && error.constructor.name ? error.constructor.name : error.name];
  if (typeof driver.code === "string" && driver.code) parts.push(driver.code);
  if (isDrizzleQueryError(error)) parts.push("(query failed)");
  else parts.push(error.message.replace(QUOTED_VALUE, ': "…"'));
  const table = driver.table_name ?? driver.table;
  const constraint = driver.constraint_name ?? driver.constraint;
  if (typeof table === "string" && table) parts.push(`table ${table}`);
  if (typeof constraint === "string" && constraint) parts.push(`constraint ${constraint}`);
  return parts.join(" ");
}

/** The error and its causes, outermost first (a cycle or a deep chain stops at 5). */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && errors.length < 5; ) {
    if (errors.includes(current)) break;
    errors.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return errors;
}

/** A description of an error that is safe to log: no query parameters, no row values. */
export function describeError(error: unknown, options: { stack?: boolean } = {}): string {
  const errors = chain(error);
  const lines = [errors.map(describeOne).join(" ← caused by ")];
  const query = errors.find((e): e is Error & { query: string } => e instanceof Error && isDrizzleQueryError(e));
  if (query) lines.push(`  query: ${query.query}`);
  const frames = options.stack !== false && errors[0] instanceof Error ? stackFrames(errors[0]) : "";
  if (frames) lines.push(frames);
  return lines.join("\n");
}

/** Log an unexpected error, with where it happened (e.g. "GET /modules"), safely. */
export function logError(error: unknown, where?: string, options: { stack?: boolean } = {}) {
  console.error(`${where ? `${where}: ` : ""}${describeError(error, options)}`);
}
