import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ClientLoaderFunctionArgs, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useState } from "react";
import { LiveResultsControl, useHeldTallies } from "~/components/live/held-tallies";
import { LiveStatusBar } from "~/components/live/live-status";
import { liveModuleRuntime, useLiveState } from "~/components/live/use-live-state";
// The loader and action, in one server-only module (see there why).
import { participantPageAction, participantPageLoader } from "~/live/participant-page.server";
import { kindsOf, loadActivityViews } from "~/activities/registry";
import { loadModuleCode, moduleCodePath } from "~/mdx/module-code";
import { ModuleContent } from "~/mdx/module-content";
import { primeModuleContent } from "~/mdx/module-content.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.module.title} (live) · Doorstep` : "Live session · Doorstep" }];

export async function loader(args: LoaderFunctionArgs) {
  const { page, code } = await participantPageLoader(args);
  // The compiled code is not loader data (ADR 006): the server renders from the component
  // primed here; the browser gets the code from its immutable script asset.
  primeModuleContent(page.codeKey, code);
  return page;
}

export function action(args: ActionFunctionArgs) {
  return participantPageAction(args);
}

// An answer or vote comes back through the event stream within a moment; re-running the
// loader for every tap of every participant would only add load.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) => {
  const intent = formData?.get("intent");
  if ((intent === "answer" || intent === "vote" || intent === "rubric") && (actionResult as { ok?: boolean } | undefined)?.ok) return false;
  return defaultShouldRevalidate;
};

// Client-side navigation (joining with the form, revalidation): make sure the module's code
// script has run before rendering. Not run on the first load (no `hydrate`): the page's own
// <script src> has loaded it by then.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const page = await serverLoader<typeof loader>();
  await Promise.all([loadModuleCode(page.module.slug, page.codeKey), loadActivityViews(kindsOf(page.module.manifest.activities), "live")]);
  return page;
}

/**
 * The key of the code the page shows (ADR 036): the one the loader rendered with until the
 * trainer moves to another step, then that step's own code once its script has run (the
 * step's title changes at once; its content follows a round trip later). If a step's code
 * cannot be had (the server could not compile it), the whole module's serves every step.
 */
function useStepCode(slug: string, hash: string, loaded: string, stepCode: boolean, stepId: string | undefined) {
  const [shown, setShown] = useState(loaded);
  const wanted = stepCode && stepId !== undefined ? `${hash}.${stepId}` : hash;
  // A revalidation or client navigation brings fresh loader data with its code loaded.
  useEffect(() => setShown(loaded), [loaded]);
  useEffect(() => {
    if (wanted === shown || shown === hash) return;
    let current = true;
    loadModuleCode(slug, wanted)
      .then(
        () => wanted,
        () => loadModuleCode(slug, hash).then(() => hash),
      )
      .then((key) => {
        if (current) setShown(key);
      })
      .catch(() => {
        // Offline or the server gone: the step's title shows; the next step change or a
        // reload tries again (the live status bar says the connection is lost).
      });
    return () => {
      current = false;
    };
  }, [slug, hash, wanted, shown]);
  return shown;
}

/** Without JavaScript there is no event stream: the page reloads itself this often. */
const NO_SCRIPT_REFRESH_SECONDS = 10;

export default function LiveParticipant() {
  const page = useLoaderData<typeof loader>();
  const { view, offsetMs, connection } = useLiveState(page.view, "participant");
  const [paused, setPaused] = useState(false);
  const shown = useHeldTallies(view.shared, paused);
  const { me } = view;
  const shared = view.shared;
  const step = shared.steps[shared.stepIndex];
  const activities = page.module.manifest.activities;
  const stepActivityIds = step ? Object.values(activities).filter((a) => a.stepId === step.id).map((a) => a.id) : [];
  const codeKey = useStepCode(page.module.slug, page.module.hash, page.codeKey, page.stepCode, step?.id);
  return (
    <div className="live live--participant">
      <noscript>
        {/* Without JavaScript there is no event stream: the page refreshes itself. */}
        <meta httpEquiv="refresh" content={String(NO_SCRIPT_REFRESH_SECONDS)} />
      </noscript>
      <LiveStatusBar shared={shared} offsetMs={offsetMs} connection={connection} timing={me?.timing} refreshSeconds={NO_SCRIPT_REFRESH_SECONDS} />
      {me?.needsPassword ? (
        <div className="alert alert--info">
          You joined with the code, so your account has no password yet. <Link to="/join/password">Choose a password</Link> to keep your
          record and sign in again later.
        </div>
      ) : null}
      {shared.status === "ended" ? (
        <section className="live-ended" aria-labelledby="ended-heading">
          <h1 id="ended-heading">The session has ended</h1>
          <p className="lede">Thanks for taking part in “{shared.module.title}” with {shared.trainerName}.</p>
          {me?.attended ? (
            <p className="alert alert--success" role="status">
              Your attendance is recorded: this module now counts as completed. <Link to="/me">See your record</Link>
            </p>
          ) : (
            <p className="alert alert--info" role="status">
              You weren't recorded as present for the whole session, so it doesn't count as a completion. You can take the module
              on your own any time, or ask {shared.trainerName}.
            </p>
          )}
        </section>
      ) : (
        <>
          <h1>{step?.title ?? shared.module.title}</h1>
          {/* Runs before the page's module scripts, so the code is there when React hydrates. */}
          <script src={moduleCodePath(page.module.slug, page.codeKey)} />
          <LiveResultsControl shown={shown} current={shared} activities={activities} activityIds={stepActivityIds} paused={paused} onPausedChange={setPaused} />
          <ModuleContent
            hash={codeKey}
            runtime={liveModuleRuntime({ ...view, shared: shown }, page.module.manifest, {
              role: "participant",
              actionPath: `/live/${shared.code}`,
              reflections: page.reflections,
              shuffleSeeds: page.shuffleSeeds,
            })}
          />
          <noscript>
            <p>
              <a href={`/live/${shared.code}`}>Refresh</a> to see where the session is now.
            </p>
          </noscript>
        </>
      )}
    </div>
  );
}
