import { useEffect, useId, useRef, useState } from "react";

/**
 * A value to copy (an invite link, a CSV): selectable text in a read-only field, which is
 * all there is without JavaScript. With it, a Copy button writes to the clipboard and says
 * so in a status line; where the clipboard is refused, the text is selected instead.
 */
export function CopyField({ label, value, multiline = false, testId }: { label: string; value: string; multiline?: boolean; testId?: string }) {
  const id = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [enhanced, setEnhanced] = useState(false);
  const [said, setSaid] = useState("");
  useEffect(() => setEnhanced(true), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setSaid("Copied");
    } catch {
      field.current?.select();
      setSaid("Selected: press Ctrl+C (or Command+C) to copy");
    }
  }

  const common = {
    id,
    ref: field,
    readOnly: true,
    value,
    "data-testid": testId,
    className: "copy-field__value",
    onFocus: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => e.currentTarget.select(),
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field__row">
        {multiline ? <textarea rows={Math.min(10, value.split("\n").length + 1)} {...common} /> : <input type="text" {...common} />}
        {enhanced ? (
          <button type="button" className="button button--secondary copy-field__button" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`} aria-describedby={`${id}-said`}>
            Copy
          </button>
        ) : null}
      </div>
      <p className="copy-field__said" id={`${id}-said`} role="status">
        {said}
      </p>
    </div>
  );
}
