import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Public origin (scheme://host[:port]) when the app sits behind a proxy that rewrites
  // Host; POSTs must come from it. Unset: the request's own Host.
  APP_ORIGIN: z.url().optional(),
  // Live sessions: how often each participant's screen proves it is still there
  // (docs/live.md, "Presence"). Tests shorten it so a leaver drops off in seconds.
  DOORSTEP_LIVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
  // Mail (README, "Email"; ADR 029). Unset: every mail goes to the outbox admins read at
  // /admin/outbox, so the embedded default needs no mail server.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).max(300).default("Doorstep <doorstep@localhost>"),
})
  // A mailed link must point at our own site. Without APP_ORIGIN it is taken from the
  // request's Host header, which anyone can set: a reset link pointing at their server
  // would hand them the token. Real mail therefore needs the origin written down.
  .refine((e) => !e.SMTP_URL || e.APP_ORIGIN, { path: ["APP_ORIGIN"], message: "set APP_ORIGIN (e.g. https://doorstep.example.org) when SMTP_URL is set: mailed links use it" });

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Read and validate the environment once; a bad value stops the boot with a clear message. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}

export const isProduction = () => env().NODE_ENV === "production";

/** The origin mailed links point at: APP_ORIGIN, or (outbox mode only, see env above) the request's own. */
export function publicOrigin(request: Request): string {
  return env().APP_ORIGIN?.replace(/\/$/, "") ?? new URL(request.url).origin;
}
