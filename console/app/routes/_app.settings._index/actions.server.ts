import { data, type ActionFunctionArgs } from '@remix-run/node';
import type { IntentResult } from '../../lib/intent.ts';
import { settingIntent } from '../../lib/settings.server.ts';

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const result = await settingIntent(args, form, intent);
  if (!result) return data<IntentResult>({ intent, ok: false, formError: `Unknown action “${intent}”.`, fieldErrors: {} }, { status: 400 });
  if (!result.ok) return data<IntentResult>({ intent, ok: false, formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return { intent, ok: true } satisfies IntentResult;
}
