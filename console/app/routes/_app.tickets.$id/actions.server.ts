import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { TicketPriorityValues, TicketStatusValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { isUuid } from '../../lib/ids.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';
import { uploadAttachment } from './attachments.server.ts';
import { readTags } from './ticket-text.ts';

// The ticket page's forms, told apart by `intent`.

const Comment = graphql(`
  mutation TicketComment($id: ID!, $input: TicketCommentInput!) {
    commentOnTicket(id: $id, input: $input) {
      __typename
      ... on MutationCommentOnTicketSuccess {
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

const Assign = graphql(`
  mutation TicketAssign($id: ID!, $assigneeId: ID) {
    assignTicket(id: $id, assigneeId: $assigneeId) {
      __typename
      ... on MutationAssignTicketSuccess {
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

const SetStatus = graphql(`
  mutation TicketSetStatus($id: ID!, $status: TicketStatus!) {
    setTicketStatus(id: $id, status: $status) {
      __typename
      ... on MutationSetTicketStatusSuccess {
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
  mutation TicketUpdate($id: ID!, $input: UpdateTicketInput!) {
    updateTicket(id: $id, input: $input) {
      __typename
      ... on MutationUpdateTicketSuccess {
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

const Resolve = graphql(`
  mutation TicketResolve($id: ID!) {
    resolveTicket(id: $id) {
      __typename
      ... on MutationResolveTicketSuccess {
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

const Close = graphql(`
  mutation TicketClose($id: ID!) {
    closeTicket(id: $id) {
      __typename
      ... on MutationCloseTicketSuccess {
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

const Reopen = graphql(`
  mutation TicketReopen($id: ID!) {
    reopenTicket(id: $id) {
      __typename
      ... on MutationReopenTicketSuccess {
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
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<IntentResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'reply': {
      const body = String(form.get('body') ?? '').trim();
      if (!body) return fail({ body: 'Write the reply or note.' });
      const files = form.getAll('attachments').filter((f): f is File => typeof f !== 'string' && f.size > 0);
      const attachmentIds: string[] = [];
      for (const file of files) {
        const uploaded = await uploadAttachment(args, id, file);
        if (!uploaded.ok) return fail({ attachments: uploaded.message });
        attachmentIds.push(uploaded.id);
      }
      const internal = form.get('internal') === 'on';
      result = outcome((await gql(args, Comment, { id, input: { body, internal, attachmentIds } })).commentOnTicket);
      break;
    }
    case 'assign': {
      const assigneeId = String(form.get('assigneeId') ?? '');
      if (assigneeId && !isUuid(assigneeId)) return fail({ assigneeId: 'Choose an agent.' });
      result = outcome((await gql(args, Assign, { id, assigneeId: assigneeId || null })).assignTicket);
      break;
    }
    case 'status': {
      const status = TicketStatusValues.find((s) => s === form.get('status'));
      if (!status) return fail({ status: 'Choose a status.' });
      result = outcome((await gql(args, SetStatus, { id, status })).setTicketStatus);
      break;
    }
    case 'priority': {
      const priority = TicketPriorityValues.find((p) => p === form.get('priority'));
      if (!priority) return fail({ priority: 'Choose a priority.' });
      result = outcome((await gql(args, Update, { id, input: { priority } })).updateTicket);
      break;
    }
    case 'tags':
      result = outcome((await gql(args, Update, { id, input: { tags: readTags(String(form.get('tags') ?? '')) } })).updateTicket);
      break;
    case 'resolve':
      result = outcome((await gql(args, Resolve, { id })).resolveTicket);
      break;
    case 'close':
      result = outcome((await gql(args, Close, { id })).closeTicket);
      break;
    case 'reopen':
      result = outcome((await gql(args, Reopen, { id })).reopenTicket);
      break;
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
