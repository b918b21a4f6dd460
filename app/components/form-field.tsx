import { useId } from "react";
import { PASSWORD_MIN } from "~/auth/limits";

interface FieldProps extends React.InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string | undefined;
  hint?: string;
}

/** A field's label, hint and error around its control; the control gets `id` and `describedBy`. */
function FieldFrame({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: (control: { id: string; describedBy: string | undefined; invalid: true | undefined }) => React.ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field${error ? " field--invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({ id, describedBy: [hintId, errorId].filter(Boolean).join(" ") || undefined, invalid: error ? true : undefined })}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input whose error is announced and tied to it by aria-describedby. */
export function Field({ label, name, error, hint, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => <input id={id} name={name} aria-invalid={invalid} aria-describedby={describedBy} {...input} />}
    </FieldFrame>
  );
}

/**
 * Which group something is for (an invite, a batch of invites, a live session): a select
 * that starts on `emptyLabel` (no silent default), with its hint and error tied to it.
 */
export function GroupSelectField({
  label,
  groups,
  emptyLabel,
  defaultValue,
  error,
  hint,
}: {
  label: string;
  groups: { id: string; name: string }[];
  emptyLabel: string;
  defaultValue?: string | undefined;
  error?: string | undefined;
  hint?: string;
}) {
  return (
    <FieldFrame label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} name="groupId" defaultValue={defaultValue ?? ""} aria-invalid={invalid} aria-describedby={describedBy}>
          <option value="">{emptyLabel}</option>
          {groups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** Which module something is for (a scheduled session, its change): a select with its error tied to it. */
export function ModuleSelectField({
  modules,
  emptyLabel,
  defaultValue,
  error,
}: {
  modules: { slug: string; title: string }[];
  emptyLabel?: string;
  defaultValue?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <FieldFrame label="Module" error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} name="moduleSlug" defaultValue={defaultValue ?? ""} aria-invalid={invalid} aria-describedby={describedBy}>
          {emptyLabel ? <option value="">{emptyLabel}</option> : null}
          {modules.map((m) => (
            <option key={m.slug} value={m.slug}>
              {m.title}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** One choice among a few, as radio buttons under a legend, with its error tied to the group. */
export function ChoiceField<T extends string>({
  legend,
  name,
  choices,
  labels,
  defaultValue,
  error,
}: {
  legend: string;
  name: string;
  choices: readonly T[];
  labels: Record<T, string>;
  defaultValue?: string | undefined;
  error?: string | undefined;
}) {
  const errorId = `${useId()}-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice} className="option">
          <input type="radio" name={name} value={choice} defaultChecked={defaultValue === choice} />
          <span>{labels[choice]}</span>
        </label>
      ))}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The password a person chooses (sign-up, newcomer's first password): one rule, one hint. */
export function NewPasswordField({ label, error }: { label: string; error?: string | undefined }) {
  return (
    <Field
      label={label}
      name="password"
      type="password"
      autoComplete="new-password"
      required
      minLength={PASSWORD_MIN}
      hint={`At least ${PASSWORD_MIN} characters. A short sentence is easy to remember.`}
      error={error}
    />
  );
}

export function FormError({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <div className="alert alert--error" role="alert">
      {message}
    </div>
  );
}
