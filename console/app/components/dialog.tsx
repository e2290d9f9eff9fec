import { Form } from '@remix-run/react';
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useIntent, type IntentResult } from '../lib/intent.ts';
import { FormError } from './form.tsx';

const noop = () => () => {};
/** False in the server's HTML and until React has hydrated: buttons that need JavaScript wait for it. */
export function useHydrated(): boolean {
  return useSyncExternalStore(noop, () => true, () => false);
}

/**
 * A button that opens a modal `<dialog>` holding a form. The dialog closes itself once `done` turns true
 * (the action succeeded) and stays open to show errors otherwise.
 */
export function DialogButton({
  label,
  title,
  className,
  done,
  children,
}: {
  label: string;
  title: string;
  className?: string;
  done?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const hydrated = useHydrated();
  const close = () => {
    ref.current?.close();
    setOpen(false);
  };
  useEffect(() => {
    if (done) close();
  }, [done]);
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={!hydrated}
        onClick={() => {
          setOpen(true);
          ref.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={ref} aria-label={title} onClose={() => setOpen(false)}>
        <h2>{title}</h2>
        {open ? children(close) : null}
      </dialog>
    </>
  );
}

/**
 * A button opening a dialog whose form posts one `intent` to the page's action: what it does (and any
 * fields) above, the action's message below, then the confirm and Cancel buttons. Closes on success.
 */
export function IntentDialog({
  intent,
  label,
  title,
  submitLabel,
  busyLabel,
  danger = false,
  canSubmit = true,
  children,
}: {
  intent: string;
  label: string;
  title: string;
  submitLabel: string;
  busyLabel: string;
  danger?: boolean;
  canSubmit?: boolean;
  children: ReactNode | ((result: IntentResult | undefined) => ReactNode);
}) {
  const { busy, result, done } = useIntent(intent);
  return (
    <DialogButton label={label} title={title} className={danger ? 'danger' : undefined} done={done}>
      {(close) => (
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value={intent} />
          {typeof children === 'function' ? children(result) : children}
          <FormError message={result?.formError} />
          <div className="form-actions">
            <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || !canSubmit}>
              {busy ? busyLabel : submitLabel}
            </button>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </Form>
      )}
    </DialogButton>
  );
}

/** Copies text to the clipboard and says so for a moment. */
export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      disabled={!hydrated}
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2_000);
        });
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
