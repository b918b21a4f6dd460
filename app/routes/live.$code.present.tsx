import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { activityFailure } from "~/lib/http.server";
import { data } from "@remix-run/node";
import { Link, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { EndSession, JoinPanel, ParticipantsPanel, StepControls, TimerControls } from "~/components/live/presenter";
import { PresenterPlan } from "~/components/live/presenter-plan";
import { ProjectorLinks } from "~/components/live/remote";
import { liveModuleRuntime, useLiveState, type LiveConnection } from "~/components/live/use-live-state";
import { env } from "~/lib/env.server";
import { runPresenterCommand } from "~/live/commands.server";
import { presenterPage } from "~/live/pages.server";
import type { LivePresenter as PresenterView } from "~/live/state";
import { kindsOf, loadActivityViews } from "~/activities/registry";
import { loadModuleCode, moduleCodePath } from "~/mdx/module-code";
import { ModuleContent } from "~/mdx/module-content";
import { primeModuleContent } from "~/mdx/module-content.server";
import { readForm, routeParam } from "~/lib/request.server";
import { formatTime } from "~/lib/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Presenting: ${data.module.title} · Doorstep` : "Presenter · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const page = await presenterPage(routeParam(params, "code"), user, origin);
  if (!page.ok) throw data(page.message, { status: page.status });
  // The compiled code is not loader data (ADR 006): see the participant page.
  primeModuleContent(page.value.page.module.hash, page.value.code);
  return page.value.page;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const result = await runPresenterCommand(routeParam(params, "code"), user, await readForm(request));
  if (!result.ok) return activityFailure(result);
  return { ok: true as const, intent: result.value.intent };
}

// Client-side navigation and revalidation: the module's code script first (ADR 006).
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const page = await serverLoader<typeof loader>();
  await Promise.all([loadModuleCode(page.module.slug, page.module.hash), loadActivityViews(kindsOf(page.module.manifest.activities), "live")]);
  return page;
}

const CONNECTION: Record<LiveConnection, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "connection dropped: reconnecting by itself…",
  closed: "connection lost: trying again every few seconds",
};

const people = (n: number) => `${n} ${n === 1 ? "person" : "people"}`;

/**
 * The counts as recorded at the end, said plainly: who attended (docs/live.md), and whose
 * completion this session recorded, which is fewer when some had completed it before.
 */
function endedSummary(presenter: PresenterView, joined: number): string {
  // "joined" counts everyone who entered the code; "attended" is the rule's verdict.
  const attended = presenter.attendedCount;
  const recorded = presenter.completionsRecorded ?? 0;
  const who = `${attended} of ${joined} attended.`;
  if (attended === 0) return `${who} No completions were recorded: attending means here from the start and still connected at the end, or marked present.`;
  const already = attended - recorded;
  return `${who} Completion of the module recorded for ${people(recorded)}${already > 0 ? ` (${already} had already completed it)` : ""}.`;
}

export default function LivePresenter() {
  const page = useLoaderData<typeof loader>();
  const { view, offsetMs, connection } = useLiveState(page.view, "presenter");
  const { shared, presenter } = view;
  const actionPath = `/live/${shared.code}/present`;
  const step = shared.steps[shared.stepIndex];
  const ended = shared.status === "ended";
  return (
    <div className="live live--presenter">
      <header className="present-header">
        <p className="muted">
          <Link to="/live">Live sessions</Link> › {shared.module.title}
          {shared.groupName ? ` · ${shared.groupName}` : ""} ·{" "}
          <span className={`connection connection--${connection}`}>{ended ? "ended" : CONNECTION[connection]}</span>
        </p>
      </header>
      {ended ? (
        <div className="alert alert--success" role="status">
          Session ended{shared.endedAt ? ` at ${formatTime(shared.endedAt)}` : ""}.{" "}
          {presenter ? endedSummary(presenter, shared.participantCount) : null}{" "}
          {/* A full page load. A client-side navigation started while the end command's
              revalidation (and the stream's last push) is still running can cancel Remix's
              route-discovery request and leave a blank page: seen again on 2026-12-03 under
              load, after it had seemed gone. */}
          <Link to={`/reports/sessions/${shared.sessionId}`} reloadDocument>
            See the session report
          </Link>
        </div>
      ) : (
        <>
          <JoinPanel join={page.join} />
          <ProjectorLinks code={shared.code} remoteUrl={page.join.shortUrl.replace(/\/join$/, `/live/${shared.code}/remote`)} />
        </>
      )}
      <div className="present-layout">
        <div className="present-main">
          <StepControls shared={shared} actionPath={actionPath} />
          <TimerControls shared={shared} offsetMs={offsetMs} actionPath={actionPath} />
          <h1 className="present-title">{step?.title}</h1>
          <script src={moduleCodePath(page.module.slug, page.module.hash)} />
          <ModuleContent hash={page.module.hash} runtime={liveModuleRuntime(view, page.module.manifest, { role: "presenter", actionPath })} />
        </div>
        <aside className="present-side" aria-label="Room">
          <PresenterPlan shared={shared} presenter={presenter} trainerSteps={page.trainerSteps} offsetMs={offsetMs} />
          {presenter ? <ParticipantsPanel shared={shared} presenter={presenter} actionPath={actionPath} /> : null}
          {ended ? null : <EndSession actionPath={actionPath} />}
        </aside>
      </div>
    </div>
  );
}
