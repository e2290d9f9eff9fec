import type { ReactNode } from 'react';

export function FieldError({ message }: { message?: string | null }) {
  return message ? (
    <span className="field-error" role="alert">
      {message}
    </span>
  ) : null;
}

export function FormError({ message }: { message?: string | null }) {
  return message ? (
    <div className="form-error" role="alert">
      {message}
    </div>
  ) : null;
}

/** A labelled input with its error from the API, keyed by the input field's name. */
export function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error?: string | null;
  hint?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <label className={error ? 'has-error' : undefined} data-field={name}>
      {label}
      {children}
      {hint ? <span className="hint">{hint}</span> : null}
      <FieldError message={error} />
    </label>
  );
}
