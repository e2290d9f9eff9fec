import { CopyButton } from './dialog.tsx';

/** A signing secret the API returns once: shown here, never again. */
export function OneTimeSecret({ secret }: { secret: string }) {
  return (
    <div className="notice" role="alert" data-testid="signing-secret">
      <p>
        <strong>Signing secret:</strong> <code>{secret}</code> <CopyButton text={secret} />
      </p>
      <p className="small">Store it with the receiver now: it is not shown again.</p>
    </div>
  );
}
