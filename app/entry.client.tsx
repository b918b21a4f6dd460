import { RemixBrowser } from "@remix-run/react";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadActivityViews } from "~/activities/registry";
import type { ActivityScreen } from "~/activities/runtime/views";

// Remix's default browser entry, but a page showing activities first loads those kinds'
// views for the screen it is (their own chunks, app/activities/registry.tsx), so the first
// render matches the server's HTML. If a chunk fails to load the page still hydrates; the
// activity then shows its loading placeholder and its plain HTML form keeps working.
const shown = [...document.querySelectorAll<HTMLElement>("[data-activity-kinds]")].map((el) =>
  loadActivityViews((el.dataset.activityKinds ?? "").split(" ").filter(Boolean), screenOfPage(el.dataset.activityScreen)),
);

/** The screen the server rendered (module-content.tsx); anything else is a self-paced page. */
function screenOfPage(screen: string | undefined): ActivityScreen {
  return screen === "live" || screen === "display" ? screen : "self";
}

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
}

Promise.all(shown).then(hydrate, hydrate);
