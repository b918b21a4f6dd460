// The live participant page's loader (all but priming the step's code) and action
// (app/routes/live.$code._index.tsx), server-only. They live here, not in the route file, so the
// route has few `.server` imports: the classic Remix compiler turns each one into an empty
// CommonJS module that esbuild keeps, and one shared by several routes becomes a script of
// its own, so the page downloaded five empty scripts for nothing (ADR 036). The route keeps
// module-content.server, whose empty module sits in the content chunk the page loads anyway.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { activityFailure } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { runParticipantCommand } from "~/live/commands.server";
import { participantPage } from "~/live/pages.server";

export async function participantPageLoader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const page = await participantPage(routeParam(params, "code"), user);
  if (!page.ok) throw data(page.message, { status: page.status });
  if (page.value.kind === "join") throw redirect(`/join/${encodeURIComponent(params.code ?? "")}`);
  if (page.value.kind === "presenter") throw redirect(`/live/${encodeURIComponent(params.code ?? "")}/present`);
  // The route primes the compiled code (not loader data, ADR 006).
  return { page: page.value.page, code: page.value.code };
}

export async function participantPageAction({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context });
  const result = await runParticipantCommand(routeParam(params, "code"), user.id, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const };
}
