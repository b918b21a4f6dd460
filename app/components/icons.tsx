import type { ReactNode } from "react";

// Small inline SVG icons. Emoji and symbol characters (💡 ✓ ⤓ ▲) rely on whatever fonts a
// phone has, and show as empty boxes where none has the glyph; an SVG draws the same
// everywhere. Icons are decoration: each is aria-hidden and sits next to text that says
// the same thing (visible, or `visually-hidden` where the icon stands alone).
// tests/unit/no-emoji-icons.test.ts keeps such characters out of app/.

function Svg({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ""}`}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.25}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

type IconProps = { className?: string };

export function HomeIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M3 11.5 12 4l9 7.5" />
      <path d="M5.5 10v9.5h13V10" />
      <path d="M10 19.5v-5h4v5" />
    </Svg>
  );
}

export function CheckIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M4.5 12.5 9.5 17.5 19.5 6.5" />
    </Svg>
  );
}

export function DownloadIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M12 4v11" />
      <path d="m7 10.5 5 5 5-5" />
      <path d="M5 20h14" />
    </Svg>
  );
}

/** A sort marker: the active direction, or both ways for a column not sorted yet. */
export function SortIcon({ direction, className }: IconProps & { direction: "asc" | "desc" | "none" }) {
  return (
    <Svg className={className}>
      {direction !== "desc" ? <path d="m7 10 5-5 5 5" /> : null}
      {direction !== "asc" ? <path d="m7 14 5 5 5-5" /> : null}
    </Svg>
  );
}

export function LightbulbIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M9 18h6" />
      <path d="M10 21h4" />
      <path d="M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3Z" />
    </Svg>
  );
}

export function StarIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="m12 3 2.7 5.6 6.1.8-4.5 4.2 1.1 6.1L12 16.8l-5.4 2.9 1.1-6.1-4.5-4.2 6.1-.8Z" />
    </Svg>
  );
}

export function MenuIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M4 7h16" />
      <path d="M4 12h16" />
      <path d="M4 17h16" />
    </Svg>
  );
}

/** A filled dot (connection state); its colour comes from the text around it. */
export function DotIcon({ className }: IconProps) {
  return (
    <svg className={`icon${className ? ` ${className}` : ""}`} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="6" fill="currentColor" />
    </svg>
  );
}

/** The tick beside a step already seen; the word is there for screen readers. */
export function SeenTick() {
  return (
    <span className="tick">
      <CheckIcon />
      <span className="visually-hidden">seen</span>
    </span>
  );
}

// ── Accessible by default (issue 15): shapes that carry meaning beside colour and text ──

/** A cross: a wrong answer, beside the word that says so (WCAG 1.4.1). */
export function CrossIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M6 6l12 12" />
      <path d="M18 6 6 18" />
    </Svg>
  );
}

/** A clock: timers, timing accommodations, and "over" on the presenter's timings (a shape and words, not a colour). */
export function ClockIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </Svg>
  );
}

export function PauseIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M9 6v12" />
      <path d="M15 6v12" />
    </Svg>
  );
}

export function PlayIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M8 5.5v13l10-6.5Z" />
    </Svg>
  );
}

/** A ringed dot: "your answer", a shape distinct from the tick and the cross. */
export function ChosenIcon({ className }: IconProps) {
  return (
    <svg className={`icon${className ? ` ${className}` : ""}`} viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" strokeWidth={2.25} />
      <circle cx="12" cy="12" r="3.5" fill="currentColor" />
    </svg>
  );
}

/** A diamond: the leading reply or option in a tally. */
export function LeadingIcon({ className }: IconProps) {
  return (
    <Svg className={className}>
      <path d="M12 3.5 20.5 12 12 20.5 3.5 12Z" />
    </Svg>
  );
}
