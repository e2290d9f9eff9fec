import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { WebhookProviderValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';

// The settings page's forms: `setSecret-<PROVIDER>` and `clearSecret-<PROVIDER>` (see intents.ts).

const SetSecret = graphql(`
  mutation WebhookSecretSet($provider: WebhookProvider!, $secret: String!) {
    setWebhookSecret(provider: $provider, secret: $secret) {
      __typename
      ... on MutationSetWebhookSecretSuccess {
        data {
          provider
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const ClearSecret = graphql(`
  mutation WebhookSecretClear($provider: WebhookProvider!) {
    clearWebhookSecret(provider: $provider) {
      __typename
      ... on MutationClearWebhookSecretSuccess {
        data {
          provider
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<IntentResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  const [kind, name] = intent.split('-');
  const provider = WebhookProviderValues.find((p) => p === name);
  if (!provider) return fail({}, `Unknown action “${intent}”.`);
  let result: ReturnType<typeof outcome<unknown>>;
  switch (kind) {
    case 'setSecret': {
      const secret = String(form.get('secret') ?? '').trim();
      if (!secret) return fail({ secret: 'Paste the signing secret the provider shows.' });
      result = outcome((await gql(args, SetSecret, { provider, secret })).setWebhookSecret);
      break;
    }
    case 'clearSecret':
      result = outcome((await gql(args, ClearSecret, { provider })).clearWebhookSecret);
      break;
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
