import { describe, expect, it } from "vitest";
import { checkOrigin, safeRedirect } from "~/lib/http.server";

describe("checkOrigin", () => {
  it("lets safe methods through without an Origin", () => {
    expect(checkOrigin("GET", { host: "a.org" }).ok).toBe(true);
    expect(checkOrigin("head", { host: "a.org" }).ok).toBe(true);
  });
  it("refuses a POST with no Origin, with a message that says why", () => {
    const verdict = checkOrigin("POST", { host: "a.org" });
    expect(verdict).toMatchObject({ ok: false, message: expect.stringMatching(/no Origin header/) });
  });
  it("refuses a POST from another site and the opaque 'null' origin", () => {
    expect(checkOrigin("POST", { origin: "https://evil.example", host: "a.org" }).ok).toBe(false);
    expect(checkOrigin("POST", { origin: "null", host: "a.org" }).ok).toBe(false);
    expect(checkOrigin("POST", { origin: "not a url", host: "a.org" }).ok).toBe(false);
  });
  it("accepts a POST from the same host, whatever the scheme a proxy terminated", () => {
    expect(checkOrigin("POST", { origin: "http://a.org:3000", host: "a.org:3000" }).ok).toBe(true);
    expect(checkOrigin("DELETE", { origin: "https://a.org", host: "a.org" }).ok).toBe(true);
  });
  it("uses APP_ORIGIN when the proxy rewrites Host", () => {
    expect(checkOrigin("POST", { origin: "https://doorstep.org", host: "internal:3000" }, "https://doorstep.org").ok).toBe(true);
    expect(checkOrigin("POST", { origin: "http://internal:3000", host: "internal:3000" }, "https://doorstep.org").ok).toBe(false);
  });
});

describe("safeRedirect", () => {
  it("keeps local paths", () => {
    expect(safeRedirect("/admin/users?x=1")).toBe("/admin/users?x=1");
  });
  it("refuses other sites and protocol-relative tricks", () => {
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect("/\\evil.example")).toBe("/");
    expect(safeRedirect(undefined, "/home")).toBe("/home");
  });
});
