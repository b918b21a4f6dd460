import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useRef } from "react";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";
import { useFitToScreen } from "~/components/live/fit-to-screen";
import { LiveTimer } from "~/components/live/live-timer";
import { liveModuleRuntime, useLiveState } from "~/components/live/use-live-state";
import { env } from "~/lib/env.server";
import { routeParam } from "~/lib/request.server";
import { presenterPage } from "~/live/pages.server";
import { kindsOf, loadActivityViews } from "~/activities/registry";
import { loadModuleCode, moduleCodePath } from "~/mdx/module-code";
import { ModuleContent } from "~/mdx/module-content";
import { primeModuleContent } from "~/mdx/module-content.server";

// GET /live/:code/display — the projector: only what the room should see, in type that
// reads from the back of a hall (docs/live.md, "Projector and phone remote"; ADR 020).
// The trainer drives from the presenter view or the phone remote; this page has no
// controls and follows the session's event stream as "display": the participants' shared
// state (no names, no presenter-only fields) with the room's scenario votes.

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.module.title} · projector · Doorstep` : "Projector · Doorstep" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.runLive);
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  const page = await presenterPage(routeParam(params, "code"), user, origin, { kind: "display" });
  if (!page.ok) throw data(page.message, { status: page.status });
  primeModuleContent(page.value.page.module.hash, page.value.code);
  // The room's screen: the trainer's notes stay on the presenter's and remote's devices.
  const { trainerSteps: _notForTheRoom, ...room } = page.value.page;
  return room;
}

export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const page = await serverLoader<typeof loader>();
  await Promise.all([loadModuleCode(page.module.slug, page.module.hash), loadActivityViews(kindsOf(page.module.manifest.activities), "display")]);
  return page;
}

export default function LiveDisplay() {
  const page = useLoaderData<typeof loader>();
  const { view, offsetMs } = useLiveState(page.view, "display");
  const { shared } = view;
  const step = shared.steps[shared.stepIndex];
  const ended = shared.status === "ended";
  // The room sees the whole step without scrolling: smaller type, then columns (fit-to-screen.ts).
  const stageRef = useRef<HTMLElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  useFitToScreen(stageRef, contentRef, view);
  return (
    <div className="projector" data-version={shared.version}>
      <noscript>
        {/* Without JavaScript there is no event stream: the projector refreshes itself. */}
        <meta httpEquiv="refresh" content="5" />
      </noscript>
      <header className="projector__join" aria-label="How to join">
        <p className="projector__where">
          Join at <strong>{page.join.shortUrl}</strong>
        </p>
        <p className="projector__code" aria-label={`Join code: ${page.join.code.split("").join(" ")}`} data-testid="projector-code">
          {page.join.spaced}
        </p>
        <div className="projector__qr" role="img" aria-label="QR code that opens the join link" dangerouslySetInnerHTML={{ __html: page.join.qrSvg }} />
        <p className="projector__count">
          {shared.participantCount} {shared.participantCount === 1 ? "person has" : "people have"} joined
        </p>
      </header>
      <section className="projector__stage" aria-labelledby="projector-step" ref={stageRef}>
        {ended ? (
          <>
            <h1 id="projector-step" className="projector__title">
              The session has ended
            </h1>
            <p className="projector__lede">Thank you for taking part in “{shared.module.title}”.</p>
          </>
        ) : (
          <>
            <div className="projector__top">
              <p className="projector__progress">
                {shared.module.title} · Step {shared.stepIndex + 1} of {shared.steps.length}
              </p>
              <LiveTimer timer={shared.timer} serverNow={shared.serverNow} offsetMs={offsetMs} large />
            </div>
            <h1 id="projector-step" className="projector__title" data-testid="projector-step">
              {step?.title ?? shared.module.title}
            </h1>
            <script src={moduleCodePath(page.module.slug, page.module.hash)} />
            <div className="projector__content" ref={contentRef} data-testid="projector-content">
              <ModuleContent hash={page.module.hash} runtime={liveModuleRuntime(view, page.module.manifest, { role: "display", actionPath: `/live/${shared.code}/display` })} />
            </div>
          </>
        )}
        <noscript>
          <p className="projector__lede">
            This page reloads itself every few seconds. <a href={`/live/${shared.code}/display`}>Reload now</a>
          </p>
        </noscript>
      </section>
    </div>
  );
}
