import { describe, expect, it } from "vitest";
import { PASSWORD_MIN, signUpSchema } from "~/auth/validation.server";
import { fieldErrors } from "~/lib/http.server";

describe("sign-up validation", () => {
  it("normalises email case and trims names", () => {
    const parsed = signUpSchema.parse({ name: "  Sam Jones ", email: " Sam@Example.ORG ", password: "x".repeat(PASSWORD_MIN) });
    expect(parsed).toMatchObject({ name: "Sam Jones", email: "sam@example.org" });
  });
  it("names each bad field with a message a person can act on", () => {
    const result = signUpSchema.safeParse({ name: "", email: "nope", password: "short" });
    expect(result.success).toBe(false);
    const errors = fieldErrors(result.error!);
    expect(errors.name).toMatch(/Enter your name/);
    expect(errors.email).toMatch(/email address/);
    expect(errors.password).toMatch(new RegExp(`at least ${PASSWORD_MIN}`));
  });
  it("refuses oversized fields", () => {
    const result = signUpSchema.safeParse({ name: "n".repeat(101), email: `${"e".repeat(250)}@x.org`, password: "p".repeat(201) });
    const errors = fieldErrors(result.error!);
    expect(Object.keys(errors).sort()).toEqual(["email", "name", "password"]);
  });
});
