import { useEffect, useLayoutEffect, type RefObject } from "react";

// The projector (app/routes/live.$code.display.tsx) has no controls and no scrolling: the
// room must see the whole step. A step written for a phone (a quiz of six questions, a
// scenario's transcript with its vote tallies) can be two or three screens tall at the
// projector's type, so the stage measures itself and shrinks its type until the page fits
// the viewport, never under FLOOR_OF_HEIGHT; past that it lays the content out in two to
// four columns, taking the layout that keeps the type largest (docs/live.md).

/** The smallest type on the projector, as a share of the viewport's height: 20 px at 1080, 13.3 px at 720. */
export const FLOOR_OF_HEIGHT = 1 / 54;
const MAX_COLUMNS = 4;
/** A further column must buy at least this much larger type: a column is harder to follow than a line. */
const COLUMN_GAIN = 1.1;

// useLayoutEffect warns when rendered on the server; the fit only matters in a browser.
const useBrowserLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

function overflows(): boolean {
  const page = document.scrollingElement ?? document.documentElement;
  return page.scrollHeight > window.innerHeight || page.scrollWidth > window.innerWidth;
}

/** The largest whole-pixel type in [floor, base] at which the page fits, or null if even the floor does not. */
function largestFitting(stage: HTMLElement, floor: number, base: number): number | null {
  const fitsAt = (px: number) => {
    stage.style.fontSize = `${px}px`;
    return !overflows();
  };
  if (fitsAt(base)) return base;
  if (!fitsAt(floor)) return null;
  let low = floor;
  let high = base;
  while (high - low > 0.5) {
    const mid = (low + high) / 2;
    if (fitsAt(mid)) low = mid;
    else high = mid;
  }
  return Math.floor(low * 2) / 2;
}

/** Fit the stage's content to the viewport: type first, then columns (set on `content` as data-columns). */
export function fitStage(stage: HTMLElement, content: HTMLElement | null) {
  stage.style.removeProperty("font-size");
  content?.removeAttribute("data-columns");
  const base = parseFloat(getComputedStyle(stage).fontSize);
  const floor = Math.min(base, Math.max(12, window.innerHeight * FLOOR_OF_HEIGHT));
  let best: { columns: number; px: number } | null = null;
  for (let columns = 1; columns <= (content ? MAX_COLUMNS : 1); columns++) {
    if (columns > 1) content!.dataset.columns = String(columns);
    const px = largestFitting(stage, floor, base);
    if (px !== null && (!best || px >= best.px * COLUMN_GAIN)) best = { columns, px };
    if (best?.px === base) break;
  }
  // Nothing fits even at the floor in four columns: keep the floor (never smaller type).
  const chosen = best ?? { columns: content ? MAX_COLUMNS : 1, px: floor };
  if (content) {
    if (chosen.columns > 1) content.dataset.columns = String(chosen.columns);
    else content.removeAttribute("data-columns");
  }
  stage.style.fontSize = `${chosen.px}px`;
  stage.dataset.fit = best ? "fits" : "overflows";
}

/**
 * Keep `stage` fitted: after every render, on resize, when fonts or images arrive and when
 * the content changes under it (a tally, a timer, a scenario's next turn).
 */
export function useFitToScreen(stageRef: RefObject<HTMLElement>, contentRef: RefObject<HTMLElement>, key: unknown) {
  useBrowserLayoutEffect(() => {
    const stage = stageRef.current;
    if (stage) fitStage(stage, contentRef.current);
  }, [stageRef, contentRef, key]);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    let frame = 0;
    const refit = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fitStage(stage, contentRef.current));
    };
    // Only the stage's children and text: the fit's own style and data attributes are not
    // watched, nor a running timer's seconds (its box keeps its size).
    const observer = new MutationObserver((records) => {
      if (records.some((r) => !(r.target instanceof Element ? r.target : r.target.parentElement)?.closest(".live-timer__value"))) refit();
    });
    observer.observe(stage, { childList: true, subtree: true, characterData: true });
    window.addEventListener("resize", refit);
    stage.addEventListener("load", refit, true);
    void document.fonts?.ready.then(refit);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener("resize", refit);
      stage.removeEventListener("load", refit, true);
    };
  }, [stageRef, contentRef]);
}
