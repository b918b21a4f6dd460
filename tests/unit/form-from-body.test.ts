import { describe, expect, it } from "vitest";
import { formFromBody, readForm } from "~/lib/request.server";

// server.js's live answer endpoint parses the body it already has (formFromBody); every
// other action reads a web Request (readForm). One set of rules: the same form, or the same
// refusal, from the same bytes and Content-Type (ADR 047).

const encoder = new TextEncoder();

async function both(bytes: Uint8Array, contentType: string | null) {
  const request = new Request("http://doorstep.test/x", { method: "POST", body: bytes as Uint8Array<ArrayBuffer>, headers: contentType ? { "Content-Type": contentType } : {} });
  const outcome = (read: () => Promise<FormData>) =>
    read().then(
      (form) => ({ form: [...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : `file:${v.name}`]) }),
      (thrown: { init?: { status?: number }; data?: unknown }) => ({ refused: thrown.init?.status, message: thrown.data }),
    );
  return { fromRequest: await outcome(() => readForm(request)), fromBody: await outcome(() => formFromBody(bytes, contentType)) };
}

const URLENCODED = "application/x-www-form-urlencoded";

describe("formFromBody reads a body as readForm reads the request", () => {
  const cases: [string, Uint8Array, string | null][] = [
    ["a plain form with a repeated field", encoder.encode("intent=answer&answer.listen=reflect&answer.listen=follow"), URLENCODED],
    ["escapes, plus signs, an empty value, a name without =", encoder.encode("a=%C3%A9t%C3%A9+x&b=&c&d=1%2B1"), `${URLENCODED}; charset=UTF-8`],
    ["a byte-order mark and bytes that are not UTF-8", new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3d, 0xff, 0x62]), URLENCODED],
    ["tabs and line breaks in a value", encoder.encode("body=one%09two%0D%0Athree"), URLENCODED],
    ["a NUL in a value", encoder.encode("optionId=very%00"), URLENCODED],
    ["a control character in a name", encoder.encode("option%01Id=very"), URLENCODED],
    ["JSON", encoder.encode('{"a":1}'), "application/json"],
    ["multipart without a boundary", encoder.encode("x"), "multipart/form-data"],
    ["a body with no Content-Type", encoder.encode("a=1"), null],
    ["no body and no Content-Type", new Uint8Array(0), null],
    ["a multipart form", encoder.encode('--b\r\nContent-Disposition: form-data; name="intent"\r\n\r\nanswer\r\n--b--\r\n'), "multipart/form-data; boundary=b"],
    ["a malformed multipart form", encoder.encode("--b\r\nnonsense"), "multipart/form-data; boundary=b"],
  ];
  for (const [label, bytes, contentType] of cases) {
    it(label, async () => {
      const { fromRequest, fromBody } = await both(bytes, contentType);
      expect(fromBody).toEqual(fromRequest);
    });
  }

  it("refuses a body over the cap with 413", async () => {
    const { fromRequest, fromBody } = await both(encoder.encode(`a=${"x".repeat(2048)}`), URLENCODED);
    expect(fromRequest).toHaveProperty("form");
    const capped = await formFromBody(encoder.encode(`a=${"x".repeat(2048)}`), URLENCODED, { maxBytes: 1024 }).catch((thrown: { init?: { status?: number } }) => thrown.init?.status);
    expect(capped).toBe(413);
    expect(fromBody).toEqual(fromRequest);
  });

  it("gives the parsed fields (so the comparisons above compare something)", async () => {
    const { fromBody } = await both(encoder.encode("a=%C3%A9t%C3%A9+x&a=2"), URLENCODED);
    expect(fromBody).toEqual({ form: [["a", "été x"], ["a", "2"]] });
  });
});
