import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';
import { sendEmailIntent } from '../../lib/send-email.server.ts';

// The user page's forms: each posts an `intent`, answered with its outcome.

const Block = graphql(`
  mutation UserBlock($id: ID!, $reason: String!) {
    blockUser(id: $id, reason: $reason) {
      __typename
      ... on MutationBlockUserSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Unblock = graphql(`
  mutation UserUnblock($id: ID!) {
    unblockUser(id: $id) {
      __typename
      ... on MutationUnblockUserSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const reason = String(form.get('reason') ?? '').trim();
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<IntentResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'block':
      if (!reason) return fail({ reason: 'Say why the user is blocked.' });
      result = outcome((await gql(args, Block, { id, reason })).blockUser);
      break;
    case 'unblock':
      result = outcome((await gql(args, Unblock, { id })).unblockUser);
      break;
    case 'sendEmail': {
      const sent = await sendEmailIntent(args, form, { userId: id });
      if (!sent.ok) return fail(sent.fieldErrors, sent.formError);
      return { intent, ok: true, emailId: sent.emailId };
    }
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
