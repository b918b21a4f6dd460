import { describe, expect, it } from "vitest";
import { readErrorPayload } from "~/lib/error-payload";

describe("readErrorPayload", () => {
  it("reads a plain message, and nothing from an empty one", () => {
    expect(readErrorPayload("No such group.")).toEqual({ message: "No such group." });
    expect(readErrorPayload("")).toBeNull();
    expect(readErrorPayload(undefined)).toBeNull();
    expect(readErrorPayload(42)).toBeNull();
  });
  it("reads a message with the page to go to instead", () => {
    expect(readErrorPayload({ message: "No step “x”.", wayOn: { to: "/modules/a", label: "Go to the module page" } })).toEqual({
      message: "No step “x”.",
      wayOn: { to: "/modules/a", label: "Go to the module page" },
    });
  });
  it("drops a way on that is not a path on this site, keeping the message", () => {
    for (const to of ["https://evil.example/", "javascript:alert(1)", 7]) {
      expect(readErrorPayload({ message: "m", wayOn: { to, label: "Go" } })).toEqual({ message: "m" });
    }
    expect(readErrorPayload({ message: "m", wayOn: { to: "/x" } })).toEqual({ message: "m" });
    expect(readErrorPayload({ wayOn: { to: "/x", label: "Go" } })).toBeNull();
  });
});
