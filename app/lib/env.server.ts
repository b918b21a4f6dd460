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
});

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
