import type { ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { outcome } from './mutation.ts';
import { readVariables } from './send-email.ts';

// The "Send email" dialog's action, shared by the pages that have one (a user, a tenant's owner).

const SendTemplateEmail = graphql(`
  mutation SendTemplateEmail($input: SendTemplateEmailInput!) {
    sendTemplateEmail(input: $input) {
      __typename
      ... on MutationSendTemplateEmailSuccess {
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

/** Sends the dialog's template to the user or the tenant's owner; the email's id, or the form's errors. */
export async function sendEmailIntent(args: ActionFunctionArgs, form: FormData, to: { userId: string } | { tenantId: string }) {
  const template = String(form.get('template') ?? '').trim();
  if (!template) return { ok: false as const, formError: null, fieldErrors: { template: 'Choose a template.' } };
  const { variables, errors } = readVariables(form);
  if (Object.keys(errors).length) return { ok: false as const, formError: null, fieldErrors: errors };
  const result = outcome((await gql(args, SendTemplateEmail, { input: { template, variables, ...to } })).sendTemplateEmail);
  return result.ok ? { ok: true as const, emailId: result.data.id } : result;
}
