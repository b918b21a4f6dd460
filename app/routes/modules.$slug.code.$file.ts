import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { may } from "~/auth/policy";
import { getModule } from "~/content/catalog.server";
import { stepCodeKey, stepModuleCode } from "~/content/step-code.server";
import { plainError } from "~/lib/http.server";
import { isLiveParticipantOfModule } from "~/live/pages.server";
import { moduleCodeScript } from "~/mdx/module-code";

/**
 * The compiled MDX of a module, or of one of its steps, per content hash (ADR 006): immutable, so browsers and
 * proxies keep it for a year. Only the module's current hash is served, so nothing else can
 * be read through this address. A draft's code is private: for those who may preview drafts,
 * and for the participants of a live session of it (a trainer may run a draft live).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const module = getModule(params.slug ?? "");
  // <hash>.js is the whole module; <hash>.<step>.js one step's code (step-code.server.ts).
  const [, hash, stepId] = /^([0-9a-zA-Z_-]+)(?:\.([a-z0-9-]+))?\.js$/.exec(params.file ?? "") ?? [];
  if (!module || !hash || hash !== module.hash) throw plainError(404, "There is no module code at this address.");
  if (stepId !== undefined && !module.manifest.steps.some((s) => s.id === stepId)) throw plainError(404, "There is no module code at this address.");
  if (module.frontmatter.draft) {
    const { user } = await requireUser({ request, context });
    if (!may.previewDrafts(user.role) && !(await isLiveParticipantOfModule(user.id, module.slug))) throw plainError(404, "There is no module code at this address.");
  }
  const served = stepId === undefined ? { key: module.hash, code: module.code } : await stepModuleCode(module, stepId);
  // A module that cannot be cut into steps has no step code: its step pages use the whole.
  if (stepId !== undefined && served.key !== stepCodeKey(module.hash, stepId)) throw plainError(404, "There is no module code at this address.");
  return new Response(moduleCodeScript(served.key, served.code), {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": module.frontmatter.draft ? "private, max-age=31536000, immutable" : "public, max-age=31536000, immutable",
    },
  });
}
