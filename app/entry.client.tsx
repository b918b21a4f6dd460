import { RemixBrowser } from "@remix-run/react";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadActivityViews } from "~/activities/registry";

// Remix's default browser entry, but a page showing activities first loads those kinds'
// views (their own chunks, app/activities/registry.tsx), so the first render matches the
// server's HTML. If a chunk fails to load the page still hydrates; the activity then shows
// its loading placeholder and its plain HTML form keeps working.
const kinds = [...document.querySelectorAll<HTMLElement>("[data-activity-kinds]")].flatMap((el) => (el.dataset.activityKinds ?? "").split(" ").filter(Boolean));

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

loadActivityViews(kinds).then(hydrate, hydrate);
