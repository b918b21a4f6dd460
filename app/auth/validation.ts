import { z } from "zod";
import { userRoles } from "../../db/schema";

// Client-safe rules shared by forms and domain functions. Limits are generous for real
// names and strict enough that an oversized post is refused before it reaches argon2.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const NAME_MAX = 100;
export const EMAIL_MAX = 254;

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(EMAIL_MAX, `Email addresses are at most ${EMAIL_MAX} characters.`)
  .pipe(z.email("That doesn't look like an email address (it needs an @ and a domain)."));

export const passwordSchema = z
  .string({ error: "Choose a password." })
  .min(PASSWORD_MIN, `Passwords need at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters.`);

export const nameSchema = z
  .string({ error: "Enter your name." })
  .trim()
  .min(1, "Enter your name.")
  .max(NAME_MAX, `Names are at most ${NAME_MAX} characters.`);

export const roleSchema = z.enum(userRoles, { error: "Choose a role: activist, trainer, organiser or admin." });

export const signUpSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  // Any length is "wrong" rather than "invalid" at sign-in, but an absurd one is refused
  // so nobody can make the server hash megabytes.
  password: z.string({ error: "Enter your password." }).min(1, "Enter your password.").max(PASSWORD_MAX, "Wrong email or password."),
});

export type FieldErrors = Partial<Record<string, string>>;

/** First message per field, the shape forms render next to inputs. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}
