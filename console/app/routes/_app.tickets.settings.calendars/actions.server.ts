import type { ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import { readRowIntent } from '../../lib/intent.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome } from '../../lib/mutation.ts';
import { calendarFieldName, readCalendarForm } from './calendar-form.ts';

// `create`, `update-<id>` and `delete-<id>`.

const Create = graphql(`
  mutation TicketCalendarCreate($input: SlaCalendarInput!) {
    createSlaCalendar(input: $input) {
      __typename
      ... on MutationCreateSlaCalendarSuccess {
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
  mutation TicketCalendarUpdate($id: ID!, $input: SlaCalendarInput!) {
    updateSlaCalendar(id: $id, input: $input) {
      __typename
      ... on MutationUpdateSlaCalendarSuccess {
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
  mutation TicketCalendarDelete($id: ID!) {
    deleteSlaCalendar(id: $id) {
      __typename
      ... on MutationDeleteSlaCalendarSuccess {
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

  if (kind === 'delete') {
    const result = outcome((await gql(args, Delete, { id })).deleteSlaCalendar);
    if (!result.ok) return fail(result.fieldErrors, result.formError);
    return { intent, ok: true } satisfies IntentResult;
  }
  if (kind !== 'create' && kind !== 'update') return fail({}, `Unknown action “${intent}”.`);
  const input = readCalendarForm(form);
  if (!input.ok) return fail(input.fieldErrors);
  const answer = kind === 'create' ? (await gql(args, Create, { input: input.value })).createSlaCalendar : (await gql(args, Update, { id, input: input.value })).updateSlaCalendar;
  const result = outcome(answer);
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.fieldErrors).map(([path, message]) => [calendarFieldName(path, input.value.weeklyHours), message]));
    return fail(fieldErrors, result.formError);
  }
  return { intent, ok: true } satisfies IntentResult;
}
