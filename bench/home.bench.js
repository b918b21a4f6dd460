// `GET /` for a signed-in activist: session validation (root loader and home loader),
// the shell and the role home, against baselines (a) bare node:http with the same HTML
// and (b) the Remix static route of the same size. Aim: ≥ 0.6 of (b).
import { DEMO_USERS } from "./lib.js";

export const title = "Home — `GET /` signed in (activist)";
export const description =
  "Session cookie of the demo activist; the page validates the session, renders the shell and the activist's home with their groups.";
export const order = 0;

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  const cookie = await ctx.signIn(DEMO_USERS.activist);
  return ctx.compare({ name: "GET / (activist, signed in)", path: "/", cookie, expect: "Sign out", aim: { of: "b", min: 0.6 } });
}
