import { z } from "zod";
import { userRoles } from "../../db/schema";
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from "./limits";

// Rules shared by actions and domain functions (server only: zod stays out of the
// browser bundles). Limits are generous for real names and strict enough that an
// oversized post is refused before it reaches argon2.
export { EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN };

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

// The forms of single pages, kept here so the pages themselves import no zod.
/** /join/password: a newcomer from a live session chooses a password. */
export const newPasswordFormSchema = z.object({ password: passwordSchema });

/** /admin/invites: a sign-up link for a group and role. */
export const inviteFormSchema = z.object({
  groupId: z.string({ error: "Choose a group." }).min(1, "Choose a group."),
  role: roleSchema,
  days: z.coerce.number({ error: "Give a number of days." }).int("Use whole days.").min(1, "At least 1 day.").max(90, "At most 90 days."),
});

/** /admin/users/:id: a person's role and groups. */
export const userAccessFormSchema = z.object({
  role: roleSchema,
  groupIds: z.array(z.string().max(64)).max(500, "Too many groups selected."),
});

/** /login/link and /reset: where to send a sign-in or password reset link. */
export const emailLinkFormSchema = z.object({ email: emailSchema });
