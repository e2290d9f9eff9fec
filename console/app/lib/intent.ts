import { useActionData, useNavigation } from '@remix-run/react';
import type { FieldErrors } from './mutation.ts';

/** What a detail page's action answers: which form (`intent`) it was, and how it went. */
export type IntentResult = { intent: string; ok: boolean; formError?: string | null; fieldErrors?: FieldErrors };

/**
 * The state of one of several forms posting to the same action, told apart by their `intent` field:
 * busy while it submits and the page reloads, its own result only, and done once it succeeded.
 */
export function useIntent<T extends IntentResult = IntentResult>(intent: string) {
  const actionData = useActionData() as T | undefined;
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === intent;
  const result = actionData?.intent === intent ? actionData : undefined;
  return { busy, result, done: Boolean(result?.ok) && navigation.state === 'idle' };
}
