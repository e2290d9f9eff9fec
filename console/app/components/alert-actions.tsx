import { Form } from '@remix-run/react';
import { useIntent } from '../lib/intent.ts';
import { IntentDialog } from './dialog.tsx';
import { Field } from './form.tsx';

/** Acknowledge (with a note) and resolve an open alert, as dialogs posting `ack-<id>` / `resolve-<id>`. */
export function AlertActions({ alert }: { alert: { id: string; state: string; acknowledgedAt?: string | null } }) {
  if (alert.state === 'RESOLVED') return null;
  return (
    <span className="toolbar">
      {alert.acknowledgedAt ? null : (
        <IntentDialog intent={`ack-${alert.id}`} label="Acknowledge" title="Acknowledge the alert" submitLabel="Acknowledge" busyLabel="Acknowledging…">
          {(result) => (
            <Field label="Note" name="note" error={result?.fieldErrors?.note} hint="Who is on it, and what they do (optional).">
              <textarea name="note" rows={3} maxLength={2000} />
            </Field>
          )}
        </IntentDialog>
      )}
      <IntentDialog intent={`resolve-${alert.id}`} label="Resolve" title="Resolve the alert" submitLabel="Resolve" busyLabel="Resolving…">
        {(result) => (
          <Field label="Note" name="note" error={result?.fieldErrors?.note} hint="Optional.">
            <textarea name="note" rows={3} maxLength={2000} />
          </Field>
        )}
      </IntentDialog>
    </span>
  );
}

/** A UTC `datetime-local` value `hours` from now. */
function inHours(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
}

/** Silence a rule until a time, or end its silence. */
export function SilenceControl({ rule }: { rule: { id: string; silenced: boolean; silencedUntil?: string | null } }) {
  const unsilence = useIntent(`unsilence-${rule.id}`);
  if (rule.silenced) {
    return (
      <Form method="post">
        <input type="hidden" name="intent" value={`unsilence-${rule.id}`} />
        <button type="submit" disabled={unsilence.busy}>
          End silence
        </button>
      </Form>
    );
  }
  return (
    <IntentDialog intent={`silence-${rule.id}`} label="Silence" title="Silence the rule" submitLabel="Silence" busyLabel="Silencing…">
      {(result) => (
        <Field label="Until (UTC)" name="until" error={result?.fieldErrors?.until} hint="Alerts are still recorded; nobody is notified until then.">
          <input type="datetime-local" name="until" defaultValue={inHours(1)} required suppressHydrationWarning />
        </Field>
      )}
    </IntentDialog>
  );
}

/** Enable or disable a rule in one click. */
export function EnableToggle({ rule }: { rule: { id: string; enabled: boolean; name: string } }) {
  const intent = `${rule.enabled ? 'disable' : 'enable'}-${rule.id}`;
  const { busy } = useIntent(intent);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" disabled={busy} aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`}>
        {rule.enabled ? 'Disable' : 'Enable'}
      </button>
    </Form>
  );
}
