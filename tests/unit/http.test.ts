import { describe, expect, it } from "vitest";
import { UNSAFE_ErrorResponseImpl as ErrorResponse } from "@remix-run/router";
import { checkOrigin, safeRedirect, worthLogging } from "~/lib/http.server";

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

describe("safeRedirect: only a path on this site, whatever browsers make of the value", () => {
  it.each([
    ["/\t/evil.example", "a tab, which browsers drop: //evil.example"],
    ["/\n/evil.example", "a line feed"],
    ["/\r\n/evil.example", "CR LF (would also be an invalid header value: a 500)"],
    ["/\n", "a lone line feed"],
    ["/\u0000/x", "a NUL"],
    ["/\\evil.example", "a backslash, which browsers read as a slash"],
    ["\\\\evil.example", "two backslashes"],
    ["//evil.example", "protocol-relative"],
    ["/\\/evil.example", "slash backslash"],
    ["/.//evil.example", "a dot segment that leaves //evil.example"],
    ["/x/..//evil.example", "a parent segment that leaves //evil.example"],
    ["%2F%2Fevil.example", "percent-encoded slashes (not a path)"],
    ["https://evil.example/", "an absolute URL"],
    ["javascript:alert(1)", "a script URL"],
    ["", "empty"],
  ])("refuses %j (%s)", (target) => {
    expect(safeRedirect(target)).toBe("/");
  });

  it.each([
    ["/modules/x?y=1#z", "/modules/x?y=1#z"],
    ["/join/ABCDEF", "/join/ABCDEF"],
    // Escapes stay escapes: the browser reads a path, not //evil.example.
    ["/%09/evil.example", "/%09/evil.example"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("keeps the local path %j", (target, kept) => {
    expect(safeRedirect(target)).toBe(kept);
  });

  it("returns the fallback for anything that is not a string", () => {
    expect(safeRedirect(null, "/me")).toBe("/me");
    expect(safeRedirect(["/a"], "/me")).toBe("/me");
  });
});

describe("worthLogging (entry.server handleError)", () => {
  const request = () => new Request("http://doorstep.test/me", { method: "POST" });

  it("skips the 4xx Remix raises itself, such as a POST to a page without an action", () => {
    const noAction = new ErrorResponse(405, "Method Not Allowed", new Error('You made a POST request to "/me" but did not provide an `action`'), true);
    expect(worthLogging(noAction, request())).toBe(false);
    expect(worthLogging(new ErrorResponse(404, "Not Found", new Error("No route matches URL"), true), request())).toBe(false);
  });

  it("skips errors of a request the visitor aborted", () => {
    const controller = new AbortController();
    controller.abort();
    expect(worthLogging(new Error("boom"), new Request("http://doorstep.test/", { signal: controller.signal }))).toBe(false);
  });

  it("logs real errors, and 5xx error responses", () => {
    expect(worthLogging(new Error("boom"), request())).toBe(true);
    expect(worthLogging(new ErrorResponse(500, "Internal Server Error", new Error("boom"), true), request())).toBe(true);
  });
});
