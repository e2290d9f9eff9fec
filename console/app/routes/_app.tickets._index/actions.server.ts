import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { TicketFilterFields, TicketPriorityValues, TicketStatusValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { readFilter } from '../../lib/list.ts';
import { outcome } from '../../lib/mutation.ts';
import { bulkSummary, readBulkForm } from './bulk-form.ts';

const BulkUpdate = graphql(`
  mutation TicketsBulkUpdate($selection: TicketBulkSelection!, $changes: TicketBulkChanges!) {
    bulkUpdateTickets(selection: $selection, changes: $changes) {
      __typename
      ... on MutationBulkUpdateTicketsSuccess {
        data {
          matched
          changed
          unchanged
          failures {
            ticketId
            code
            message
          }
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const MatchingCount = graphql(`
  query TicketsBulkCount($filter: TicketFilter) {
    ticketCounts(filter: $filter) {
      total
    }
  }
`);

export type BulkResult = IntentResult & { summary?: string; failures?: { ticketId: string; message: string }[]; matching?: number };

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  if (intent !== 'bulk') return data<BulkResult>({ intent, ok: false, formError: `Unknown action “${intent}”.` }, { status: 400 });
  const read = readBulkForm(form, { statuses: TicketStatusValues, priorities: TicketPriorityValues });
  if (!read.ok) return data<BulkResult>({ intent, ok: false, formError: read.formError, fieldErrors: read.fieldErrors }, { status: 400 });

  const request = read.value;
  let selection: { ids?: string[]; filter?: ReturnType<typeof readFilter<typeof TicketFilterFields>> };
  if (request.scope === 'filter') {
    // The filter the queue showed, as its URL said. The count the admin confirmed must still hold: if
    // tickets came or went since, they confirm the new count first.
    const filter = readFilter(new URL(args.request.url).searchParams, TicketFilterFields);
    const { ticketCounts } = await gql(args, MatchingCount, { filter });
    if (ticketCounts.total !== request.expected) {
      return data<BulkResult>(
        { intent, ok: false, matching: ticketCounts.total, formError: `The filter now matches ${ticketCounts.total} tickets, not ${request.expected}. Check the list and confirm again.` },
        { status: 409 },
      );
    }
    selection = { filter };
  } else {
    selection = { ids: request.ids };
  }
  const result = outcome((await gql(args, BulkUpdate, { selection, changes: request.changes })).bulkUpdateTickets);
  if (!result.ok) return data<BulkResult>({ intent, ok: false, formError: result.formError, fieldErrors: result.fieldErrors }, { status: 400 });
  return { intent, ok: true, summary: bulkSummary(result.data), failures: result.data.failures } satisfies BulkResult;
}
