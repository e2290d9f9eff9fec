import { useState } from 'react';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field } from '../../components/form.tsx';
import { formatFlagValue } from '../../lib/flags.ts';

// The buttons in the flag page's header; each posts its intent to the page's action.

/**
 * The kill switch: turning a flag off serves its default to everyone at once, so it asks first. Each state
 * has its own dialog (keyed), so the one that just succeeded closes instead of turning into the other.
 */
export function KillSwitch({ flag }: { flag: { key: string; enabled: boolean; defaultValue: unknown } }) {
  if (flag.enabled) {
    return (
      <IntentDialog key="disable" intent="disable" label="Turn off" title={`Turn off ${flag.key}`} submitLabel="Turn off" busyLabel="Turning off…" danger>
        <p>
          Every tenant and user gets the default value <code>{formatFlagValue(flag.defaultValue)}</code> at once, overrides included, until the flag is turned on
          again.
        </p>
      </IntentDialog>
    );
  }
  return (
    <IntentDialog key="enable" intent="enable" label="Turn on" title={`Turn on ${flag.key}`} submitLabel="Turn on" busyLabel="Turning on…">
      <p>Overrides, rules, the rollout and the entitlement apply again, as they are set now.</p>
    </IntentDialog>
  );
}

export function DeleteFlagButton({ flagKey }: { flagKey: string }) {
  const [typed, setTyped] = useState('');
  return (
    <IntentDialog intent="delete" label="Delete" title="Delete flag" submitLabel="Delete flag" busyLabel="Deleting…" danger canSubmit={typed === flagKey}>
      {(result) => (
        <>
          <p>
            Applications asking for it get their own fallback from then on. Its overrides and scheduled changes go with it. Type <strong>{flagKey}</strong> to
            confirm.
          </p>
          <Field label="Flag key" name="confirmKey" error={result?.fieldErrors?.confirmKey}>
            <input name="confirmKey" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </Field>
        </>
      )}
    </IntentDialog>
  );
}
