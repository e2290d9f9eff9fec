import { Form } from '@remix-run/react';
import { FormError } from '../../components/form.tsx';
import { EnumSelect, TICKET_STATUSES } from '../../components/ticket-enum-select.tsx';
import { TicketPriorityValues } from '../../gql/lists.ts';
import { useIntent } from '../../lib/intent.ts';
import type { AgentData, TicketData } from './route.tsx';


/** Small forms at the top of the ticket: assignee, status, priority, tags, and resolve / close / reopen. */
export function QuickActions({ ticket, agents }: { ticket: TicketData; agents: AgentData[] }) {
  const states = {
    assign: useIntent('assign'),
    status: useIntent('status'),
    priority: useIntent('priority'),
    tags: useIntent('tags'),
    resolve: useIntent('resolve'),
    close: useIntent('close'),
    reopen: useIntent('reopen'),
  };
  // One action answers at a time: its error, if it failed.
  const error = Object.values(states).find((s) => s.result && !s.result.ok)?.result;
  const closed = ticket.status === 'CLOSED';
  const finished = ticket.status === 'RESOLVED' || closed;
  return (
    <section className="card ticket-actions" aria-label="Quick actions" data-testid="quick-actions">
      <FormError message={error ? (error.formError ?? Object.values(error.fieldErrors ?? {}).join(' ')) : null} />
      <div className="toolbar">
        <Form method="post" className="toolbar" key={`assign-${ticket.assignee?.id ?? ''}`}>
          <input type="hidden" name="intent" value="assign" />
          <label>
            Assignee
            <select name="assigneeId" defaultValue={ticket.assignee?.id ?? ''} disabled={closed}>
              <option value="">Nobody</option>
              {agents.map((a) => (
                <option key={a.admin.id} value={a.admin.id}>
                  {a.admin.name} ({a.openTickets}/{a.capacity}
                  {a.available ? '' : ', away'})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={closed || states.assign.busy}>
            Assign
          </button>
        </Form>
        <Form method="post" className="toolbar" key={`status-${ticket.status}`}>
          <input type="hidden" name="intent" value="status" />
          <EnumSelect label="Status" name="status" values={TICKET_STATUSES} defaultValue={ticket.status} disabled={closed} />
          <button type="submit" disabled={closed || states.status.busy}>
            Set
          </button>
        </Form>
        <Form method="post" className="toolbar" key={`priority-${ticket.priority}`}>
          <input type="hidden" name="intent" value="priority" />
          <EnumSelect label="Priority" name="priority" values={TicketPriorityValues} defaultValue={ticket.priority} disabled={closed} />
          <button type="submit" disabled={closed || states.priority.busy}>
            Set
          </button>
        </Form>
        <Form method="post" className="toolbar" key={`tags-${ticket.tags.join(',')}`}>
          <input type="hidden" name="intent" value="tags" />
          <label>
            Tags
            <input name="tags" defaultValue={ticket.tags.join(', ')} placeholder="billing, vip" disabled={closed} />
          </label>
          <button type="submit" disabled={closed || states.tags.busy}>
            Save tags
          </button>
        </Form>
      </div>
      <div className="toolbar">
        {!finished ? (
          <Form method="post">
            <input type="hidden" name="intent" value="resolve" />
            <button type="submit" className="primary" disabled={states.resolve.busy}>
              {states.resolve.busy ? 'Resolving…' : 'Resolve'}
            </button>
          </Form>
        ) : null}
        {!closed ? (
          <Form method="post">
            <input type="hidden" name="intent" value="close" />
            <button type="submit" disabled={states.close.busy}>
              {states.close.busy ? 'Closing…' : 'Close'}
            </button>
          </Form>
        ) : null}
        {ticket.status === 'RESOLVED' ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reopen" />
            <button type="submit" disabled={states.reopen.busy}>
              {states.reopen.busy ? 'Reopening…' : 'Reopen'}
            </button>
          </Form>
        ) : null}
      </div>
    </section>
  );
}
