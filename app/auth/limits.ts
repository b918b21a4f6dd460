// Field limits shown in forms (hints, minLength) and enforced by the schemas in
// validation.server.ts. Kept apart so a page that only needs a number does not ship zod
// and the database schema to the browser.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
