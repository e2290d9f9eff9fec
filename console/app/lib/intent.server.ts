import { data } from '@remix-run/node';
import type { IntentResult } from './intent.ts';
import { isUuid } from './ids.ts';
import type { FieldErrors } from './mutation.ts';

/**
 * Reads a list page's posted `intent`: `create`, or `<kind>-<record id>` (`delete-…`, `save-…`) for a row's
 * form. `fail` answers that form with its errors (400); an intent naming no valid id is refused at once.
 */
export async function readRowIntent(request: Request) {
  const form = await request.formData();
  const intent = String(form.get('intent'));
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<IntentResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });
  const [kind = '', id = ''] = intent.split(/-(.*)/s);
  const refused = kind !== 'create' && !isUuid(id) ? fail({}, `Unknown action “${intent}”.`) : null;
  return { form, intent, kind, id, fail, refused };
}
