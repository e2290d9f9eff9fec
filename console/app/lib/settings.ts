import type { SettingInput } from '../gql/graphql.ts';
import type { FieldErrors } from './mutation.ts';

// System settings in forms: a value read from its field by how the registry says it is edited, and the
// API's problems (named under `value`, e.g. `value.URGENT.firstResponseMinutes`) shown on that field.

/** The forms' intent verbs: `<verb>:<key>`. */
export const SETTING_INTENTS = { global: { set: 'set', reset: 'reset' }, tenant: { set: 'setTenant', reset: 'resetTenant' } } as const;

export type ReadSetting = { ok: true; value: unknown } | { ok: false; error: string };

/** The posted value of a setting's `value` field. */
export function readSettingValue(input: SettingInput, form: FormData, secret = false): ReadSetting {
  const raw = form.get('value');
  const text = typeof raw === 'string' ? raw : '';
  switch (input) {
    case 'BOOLEAN':
      return { ok: true, value: raw === 'on' || raw === 'true' };
    case 'NUMBER': {
      const number = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(number) ? { ok: true, value: number } : { ok: false, error: 'A number.' };
    }
    case 'JSON':
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch (error) {
        return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
      }
    default:
      if (secret && text === '') return { ok: false, error: 'Type the new value (the current one is never shown).' };
      return { ok: true, value: text };
  }
}

/** How a value shows in its input (JSON pretty-printed; a secret never has one). */
export function settingText(input: SettingInput, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (input === 'JSON') return JSON.stringify(value, null, 2);
  return String(value);
}

/** One message for the value field from every problem the API named under `value`. */
export function valueError(fieldErrors: FieldErrors | undefined): string | null {
  const messages = Object.entries(fieldErrors ?? {})
    .filter(([field]) => field === 'value' || field.startsWith('value.'))
    .map(([field, message]) => (field === 'value' ? message : `${field.slice('value.'.length)}: ${message}`));
  return messages.length ? messages.join('; ') : null;
}

/** A value as a short line of text (lists, hints). */
export function settingSummary(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
