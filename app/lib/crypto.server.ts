import { createHash, randomBytes } from "node:crypto";

/** A URL-safe random token with 160 bits of entropy, for cookies and invite links. */
export function randomToken(): string {
  return randomBytes(20).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function newId(): string {
  return randomBytes(12).toString("base64url");
}
