import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { EndSession, StepControls, TimerControls } from "~/components/live/presenter";
import { PresenterOnlyHint, RevealControls, RoomGlance } from "~/components/live/remote";
import { useLiveState } from "~/components/live/use-live-state";
import { env } from "~/lib/env.server";
import { activityFailure } from "~/lib/http.server";
import { readForm, routeParam } from "~/lib/request.server";
import { runPresenterCommand } from "~/live/commands.server";
import { presenterPage } from "~/live/pages.server";

// GET /live/:code/remote — the trainer's controls on a phone, to walk the room while the
// projector shows /live/:code/display. The presenter's widgets, posting the presenter's
// intents to the same command function (ADR 020); no step content, so it stays light.

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Remote: ${data.module.title} · Doorstep` : "Remote · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const page = await presenterPage(routeParam(params, "code"), user, origin);
  if (!page.ok) throw data(page.message, { status: page.status });
  const { view, module, join } = page.value.page;
  // No module code and no QR here: the remote renders no step content.
  return { view, module: { slug: module.slug, title: module.title, manifest: { steps: module.manifest.steps, activities: module.manifest.activities } }, code: join.code };
}

// The same command as the presenter view's form posts; the remote's own route so that,
// without JavaScript, a post comes back to the remote.
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const result = await runPresenterCommand(routeParam(params, "code"), user, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const, intent: result.value.intent };
}

export default function LiveRemote() {
  const page = useLoaderData<typeof loader>();
  const { view, offsetMs, connection } = useLiveState(page.view, "presenter");
  const { shared, presenter } = view;
  const actionPath = `/live/${shared.code}/remote`;
  const step = shared.steps[shared.stepIndex];
  const ended = shared.status === "ended";
  return (
    <div className="live remote">
      <p className="muted remote__where">
        <Link to={`/live/${shared.code}/present`}>Presenter view</Link> · {shared.module.title} ·{" "}
        <span className={`connection connection--${connection}`}>{ended ? "ended" : connection === "live" ? "live" : "connecting…"}</span>
      </p>
      <h1 className="remote__title">
        <span className="remote__step-label">Remote · now showing</span> <span data-testid="remote-step">{step?.title ?? shared.module.title}</span>
      </h1>
      {ended ? (
        <p className="alert alert--success" role="status">
          Session ended. <Link to={`/reports/sessions/${shared.sessionId}`} reloadDocument>See the session report</Link>
        </p>
      ) : (
        <>
          <StepControls shared={shared} actionPath={actionPath} />
          <RevealControls shared={shared} manifest={page.module.manifest} actionPath={actionPath} />
          <PresenterOnlyHint shared={shared} manifest={page.module.manifest} />
          <TimerControls shared={shared} offsetMs={offsetMs} actionPath={actionPath} />
        </>
      )}
      {presenter ? <RoomGlance shared={shared} presenter={presenter} /> : null}
      {ended ? null : <EndSession actionPath={actionPath} />}
      <noscript>
        <p>
          Without JavaScript this page does not follow the session by itself: <a href={actionPath}>reload</a> to see where it is now.
        </p>
      </noscript>
    </div>
  );
}
