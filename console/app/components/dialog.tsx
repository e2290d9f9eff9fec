import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';

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
