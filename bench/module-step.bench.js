// A module step for a signed-in activist (`GET /modules/<slug>/<step>`): session check,
// the step view recorded, the learner's progress in the step read, the compiled MDX
// rendered. Against (a) bare node:http with the same HTML and (b) the Remix static route
// of the same size. Aim (issue 3): ≥ 0.5 of (b).
//
// BENCH_STEP=<step id> measures another step of the module, e.g. `try-shona` (a scenario
// and a role-play, so its loader data carries their manifest slices): run it with
// --no-docs, or it replaces the section in docs/performance.md.
import { DEMO_USERS } from "./lib.js";

const SLUG = "listening-questions"; // a core module (order 3): quiz, scenario, role-play
const STEP = process.env.BENCH_STEP || "open-questions"; // by default a middle step of text and a tip: progress bar, nav, table of steps

export const title = `Module step — \`GET /modules/${SLUG}/${STEP}\` signed in (activist)`;
export const description =
  "Session cookie of the demo activist, who has seen the step before (the view is recorded again, idempotently); the page validates the session, " +
  "records the step view and reads the learner's progress (one statement), and renders the step of the compiled MDX. Aim ≥ 0.5 of (b).";
export const order = 10;

/** @param {ReturnType<typeof import("./lib.js").createContext>} ctx */
export async function run(ctx) {
  const cookie = await ctx.signIn(DEMO_USERS.activist);
  const path = `/modules/${SLUG}/${STEP}`;
  return ctx.compare({ name: `GET ${path} (activist, signed in)`, path, cookie, expect: "aria-current=\"step\"", aim: { of: "b", min: 0.5 } });
}
