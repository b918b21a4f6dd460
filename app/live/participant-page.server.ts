// The live participant page's loader and action (app/routes/live.$code._index.tsx),
// server-only. They live here rather than in the route file so the route imports one
// `.server` module: the classic Remix compiler turns each `.server` import of a route into
// an empty CommonJS module that esbuild keeps, and one shared by several routes becomes its
// own script, so the page downloaded five empty scripts for nothing (ADR 036).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { activityFailure } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { runParticipantCommand } from "~/live/commands.server";
import { participantPage } from "~/live/pages.server";
import { primeModuleContent } from "~/mdx/module-content.server";

export async function participantPageLoader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const page = await participantPage(routeParam(params, "code"), user);
  if (!page.ok) throw data(page.message, { status: page.status });
  if (page.value.kind === "join") throw redirect(`/join/${encodeURIComponent(params.code ?? "")}`);
  if (page.value.kind === "presenter") throw redirect(`/live/${encodeURIComponent(params.code ?? "")}/present`);
  // The compiled code is not loader data (ADR 006): the server renders from the component
  // primed here; the browser gets the code from its immutable script asset.
  primeModuleContent(page.value.page.codeKey, page.value.code);
  return page.value.page;
}

export async function participantPageAction({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const result = await runParticipantCommand(routeParam(params, "code"), user.id, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const };
}
