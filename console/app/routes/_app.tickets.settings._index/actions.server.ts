import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { AssignmentStrategyValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';
import { agentOfIntent } from './intents.ts';
import { readAgentForm, readSettingsForm } from './settings-form.ts';

const UpdateSettings = graphql(`
  mutation TicketSettingsUpdate($input: TicketSettingsInput!) {
    updateTicketSettings(input: $input) {
      __typename
      ... on MutationUpdateTicketSettingsSuccess {
        data {
          updatedAt
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const UpdateAgent = graphql(`
  mutation TicketAgentUpdate($adminId: ID!, $available: Boolean, $capacity: Int) {
    updateAgentProfile(adminId: $adminId, available: $available, capacity: $capacity) {
      __typename
      ... on MutationUpdateAgentProfileSuccess {
        data {
          available
          capacity
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

  let result: ReturnType<typeof outcome<unknown>>;
  const adminId = agentOfIntent(intent);
  if (intent === 'settings') {
    const input = readSettingsForm(form, AssignmentStrategyValues);
    if (!input.ok) return fail(input.fieldErrors);
    result = outcome((await gql(args, UpdateSettings, { input: input.value })).updateTicketSettings);
  } else if (adminId) {
    const input = readAgentForm(form);
    if (!input.ok) return fail(input.fieldErrors);
    result = outcome((await gql(args, UpdateAgent, { adminId, ...input.value })).updateAgentProfile);
  } else {
    return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
