import { Form } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { graphql } from '../gql/index.ts';
import type { SettingDefinitionFieldsFragment } from '../gql/graphql.ts';
import { useIntent } from '../lib/intent.ts';
import { settingSummary, settingText, valueError } from '../lib/settings.ts';
import { Field, FormError } from './form.tsx';

/** What a setting's form needs from the registry. */
export const SettingDefinitionFragment = graphql(`
  fragment SettingDefinitionFields on SettingDefinition {
    key
    category
    description
    input
    options
    secret
    tenantOverridable
    defaultValue
  }
`);

/**
 * One setting's form: its input by kind (a secret's is write-only: it says "set" or "not set" and takes a
 * new value), Save, and Reset when a value of this scope is stored. Intents are `<set>:<key>` and
 * `<reset>:<key>`; the API's problems with the value show on the field.
 */
export function SettingForm({
  setting,
  value,
  stored,
  canWrite,
  intents = { set: 'set', reset: 'reset' },
  storedLabel = 'Saved',
  defaultLabel = 'Default',
  note,
}: {
  setting: SettingDefinitionFieldsFragment;
  value: unknown;
  /** A value of this scope is stored (the global one, or the tenant's own). */
  stored: boolean;
  canWrite: boolean;
  intents?: { set: string; reset: string };
  storedLabel?: string;
  defaultLabel?: string;
  note?: string | null;
}) {
  const setIntent = `${intents.set}:${setting.key}`;
  const resetIntent = `${intents.reset}:${setting.key}`;
  const saving = useIntent(setIntent);
  const resetting = useIntent(resetIntent);
  const error = valueError(saving.result?.fieldErrors);
  const form = useRef<HTMLFormElement>(null);
  // A saved secret leaves its input empty again: it is never shown, not even as typed.
  useEffect(() => {
    if (saving.done && setting.secret) form.current?.reset();
  }, [saving.done, setting.secret]);
  const shown = setting.secret ? '' : settingText(setting.input, value);
  const control = (() => {
    const common = { name: 'value', key: shown, disabled: !canWrite, 'aria-invalid': error ? true : undefined } as const;
    if (setting.secret) return <input {...common} type="password" autoComplete="off" placeholder={stored ? 'Replace the value' : 'Set a value'} />;
    switch (setting.input) {
      case 'BOOLEAN':
        return <input {...common} type="checkbox" defaultChecked={value === true} />;
      case 'SELECT':
        return (
          <select {...common} defaultValue={shown}>
            {(setting.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        );
      case 'JSON':
        return <textarea {...common} rows={Math.min(14, shown.split('\n').length + 1)} defaultValue={shown} spellCheck={false} className="mono" />;
      case 'NUMBER':
        return <input {...common} type="number" step="any" defaultValue={shown} />;
      default:
        return <input {...common} defaultValue={shown} />;
    }
  })();
  return (
    <Form ref={form} method="post" className="card setting-form" aria-label={setting.key} data-testid="setting" data-key={setting.key}>
      <input type="hidden" name="input" value={setting.input} />
      <input type="hidden" name="secret" value={setting.secret ? 'true' : 'false'} />
      <Field label={setting.key} name="value" error={error} hint={setting.description}>
        {control}
      </Field>
      <div className="setting-status muted small" data-testid="setting-status">
        {setting.secret ? (
          <span data-testid="secret-state">{stored ? 'set' : 'not set'}</span>
        ) : (
          <span>
            {stored ? storedLabel : defaultLabel}
            {!stored || setting.input === 'JSON' ? null : `: ${settingSummary(value)}`}
          </span>
        )}
        {note ? <span> · {note}</span> : null}
      </div>
      <FormError message={saving.result?.formError ?? resetting.result?.formError} />
      {canWrite ? (
        <div className="form-actions">
          <button type="submit" name="intent" value={setIntent} className="primary" disabled={saving.busy}>
            {saving.busy ? 'Saving…' : 'Save'}
          </button>
          {stored ? (
            <button type="submit" name="intent" value={resetIntent} disabled={resetting.busy}>
              {resetting.busy ? 'Resetting…' : intents.reset === 'reset' ? 'Reset to default' : 'Use the global value'}
            </button>
          ) : null}
          {saving.done || resetting.done ? (
            <span className="muted" role="status">
              Saved.
            </span>
          ) : null}
        </div>
      ) : null}
    </Form>
  );
}
