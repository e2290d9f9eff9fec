import type { ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { TicketPriorityValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { readRowIntent } from '../../lib/intent.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { isUuid } from '../../lib/ids.ts';
import { outcome } from '../../lib/mutation.ts';
import { readPolicyForm } from './policy-form.ts';

// `create`, `update-<id>` and `delete-<id>`.

const Create = graphql(`
  mutation TicketSlaPolicyCreate($input: CreateSlaPolicyInput!) {
    createSlaPolicy(input: $input) {
      __typename
      ... on MutationCreateSlaPolicySuccess {
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

const Update = graphql(`
  mutation TicketSlaPolicyUpdate($id: ID!, $input: UpdateSlaPolicyInput!) {
    updateSlaPolicy(id: $id, input: $input) {
      __typename
      ... on MutationUpdateSlaPolicySuccess {
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

const Delete = graphql(`
  mutation TicketSlaPolicyDelete($id: ID!) {
    deleteSlaPolicy(id: $id) {
      __typename
      ... on MutationDeleteSlaPolicySuccess {
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
  const { form, intent, kind, id, fail, refused } = await readRowIntent(args.request);
  if (refused) return refused;

  let result: ReturnType<typeof outcome<unknown>>;
  if (kind === 'delete') {
    result = outcome((await gql(args, Delete, { id })).deleteSlaPolicy);
  } else if (kind === 'create' || kind === 'update') {
    const read = readPolicyForm(form, TicketPriorityValues);
    if (!read.ok) return fail(read.fieldErrors);
    const { escalateTo, ...targets } = read.value;
    if (kind === 'create') {
      const planId = String(form.get('planId') ?? '');
      const priority = TicketPriorityValues.find((p) => p === form.get('priority'));
      if (!isUuid(planId) || !priority) return fail({ ...(isUuid(planId) ? {} : { planId: 'Choose a plan.' }), ...(priority ? {} : { priority: 'Choose a priority.' }) });
      result = outcome((await gql(args, Create, { input: { ...targets, planId, priority, escalateTo } })).createSlaPolicy);
    } else {
      const input = escalateTo ? { ...targets, escalateTo } : { ...targets, removeEscalation: true };
      result = outcome((await gql(args, Update, { id, input })).updateSlaPolicy);
    }
  } else {
    return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
