import { useEffect, useState } from "react";
import { OFFLINE_SAVE_HEADER } from "~/lib/offline";
import { assetsOf, canSaveOffline, dataUrl, loadedBuildFiles, saveForOffline, STEP_DATA_ROUTES } from "./offline";

// "Save for offline" on a module's overview (ADR 035): every step page, the data a
// client-side step change asks for, the module's code and the activity views it shows,
// put into the offline cache before a journey without signal.

const SAVING = { [OFFLINE_SAVE_HEADER]: "1" };

type SaveState = { state: "idle" } | { state: "saving"; done: number } | { state: "saved" } | { state: "failed" };

/**
 * `loadKinds` loads the module's activity views (the route passes the registry's loader:
 * components sit below activities, so they do not import it themselves).
 */
export function SaveForOffline({ slug, stepIds, loadKinds }: { slug: string; stepIds: string[]; loadKinds: () => Promise<void> }) {
  const [supported, setSupported] = useState(false);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  useEffect(() => setSupported(canSaveOffline()), []);
  if (!supported) return null;

  async function run() {
    setSave({ state: "saving", done: 0 });
    try {
      await loadKinds();
      const base = `/modules/${slug}`;
      const assets: string[] = [];
      let done = 0;
      for (const id of stepIds) {
        const path = `${base}/${id}`;
        await saveForOffline([path, ...STEP_DATA_ROUTES.map((routeId) => dataUrl(path, routeId))], SAVING);
        const page = await caches.match(path);
        assets.push(...assetsOf((await page?.text()) ?? "", slug));
        done += 1;
        setSave({ state: "saving", done });
      }
      await saveForOffline([base, dataUrl(base), ...assets, ...loadedBuildFiles()]);
      setSave({ state: "saved" });
    } catch {
      setSave({ state: "failed" });
    }
  }

  const message =
    save.state === "saving"
      ? `Saving… ${save.done} of ${stepIds.length} steps`
      : save.state === "saved"
        ? `Saved: all ${stepIds.length} steps work on this device with no signal.`
        : save.state === "failed"
          ? "Could not save it all: check your connection and try again."
          : null;
  return (
    <div className="save-offline">
      <button type="button" className="button button--secondary" onClick={() => void run()} disabled={save.state === "saving"}>
        {save.state === "saved" ? "Save again" : "Save for offline"}
      </button>
      {/* Always there, so progress is announced; the status inside only with something to say. */}
      <div aria-live="polite">
        {message ? (
          <p role="status" className="muted">
            {message}
          </p>
        ) : null}
      </div>
    </div>
  );
}
