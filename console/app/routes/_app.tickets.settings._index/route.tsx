import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { Field, FormError } from '../../components/form.tsx';
import { DataTable } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { TicketSettingsNav } from '../../components/ticket-settings-nav.tsx';
import { graphql } from '../../gql/index.ts';
import type { AssignmentStrategy } from '../../gql/graphql.ts';
import { AssignmentStrategyValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import { useAdmin, useCan } from '../_app.tsx';
import { agentIntent } from './intents.ts';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'Ticket settings · Opsgraph' }];

const TicketAssignmentQuery = graphql(`
  query TicketAssignmentSettings {
    ticketSettings {
      assignmentStrategy
      supportTeamEmail
      attachmentMaxBytes
      updatedAt
    }
    agents {
      admin {
        id
        name
        email
        role
      }
      available
      capacity
      openTickets
      lastAssignedAt
    }
  }
`);

const STRATEGY_LABELS: Record<AssignmentStrategy, string> = {
  OFF: 'Off: tickets wait in the queue until someone takes them',
  ROUND_ROBIN: 'Round robin: the available agent assigned longest ago',
  LEAST_LOADED: 'Least loaded: the available agent with the fewest open tickets',
};

export async function loader(args: LoaderFunctionArgs) {
  return gql(args, TicketAssignmentQuery);
}

export default function TicketAssignmentSettings() {
  const { ticketSettings, agents } = useLoaderData<typeof loader>();
  const canManage = useCan('SUPPORT_MANAGE');
  const canWrite = useCan('TICKETS_WRITE');
  const me = useAdmin();
  const settings = useIntent('settings');

  return (
    <>
      <PageHeader parent={{ to: '/tickets', label: 'Tickets' }} title="Ticket settings" sub={<span className="muted">{Date.parse(ticketSettings.updatedAt) > 0 ? `Saved ${formatDateTime(ticketSettings.updatedAt)}` : 'The defaults: never changed'}</span>} />
      <TicketSettingsNav />
      <Form method="post" className="card plan-form" aria-label="Assignment">
        <h2>Auto-assignment</h2>
        <input type="hidden" name="intent" value="settings" />
        <FormError message={settings.result?.formError} />
        <fieldset className="form-grid" disabled={!canManage}>
          <Field label="Strategy" name="assignmentStrategy" error={settings.result?.fieldErrors?.assignmentStrategy}>
            <select name="assignmentStrategy" defaultValue={ticketSettings.assignmentStrategy} key={ticketSettings.assignmentStrategy}>
              {AssignmentStrategyValues.map((s) => (
                <option key={s} value={s}>
                  {STRATEGY_LABELS[s]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Support team email" name="supportTeamEmail" error={settings.result?.fieldErrors?.supportTeamEmail} hint="SLA warnings of unassigned tickets go here; empty sends none.">
            <input name="supportTeamEmail" type="email" defaultValue={ticketSettings.supportTeamEmail ?? ''} key={ticketSettings.supportTeamEmail ?? ''} />
          </Field>
          <Field label="Largest attachment (bytes)" name="attachmentMaxBytes" error={settings.result?.fieldErrors?.attachmentMaxBytes} hint={`${formatCount(ticketSettings.attachmentMaxBytes)} bytes now`}>
            <input name="attachmentMaxBytes" type="number" min={1024} defaultValue={ticketSettings.attachmentMaxBytes} key={ticketSettings.attachmentMaxBytes} />
          </Field>
        </fieldset>
        {canManage ? (
          <div className="form-actions">
            <button type="submit" className="primary" disabled={settings.busy}>
              {settings.busy ? 'Saving…' : 'Save settings'}
            </button>
            {settings.done ? (
              <span className="muted" role="status">
                Saved.
              </span>
            ) : null}
          </div>
        ) : null}
      </Form>

      <h2>Agents</h2>
      <p className="muted">Active support and admin staff. Auto-assignment gives tickets to available agents below their capacity; an agent made unavailable gives their open tickets back.</p>
      <DataTable
        colSpan={5}
        empty="No active SUPPORT or ADMIN admins."
        head={
          <tr>
            <th>Agent</th>
            <th className="num">Open tickets</th>
            <th>Last assigned</th>
            <th>Available</th>
            <th>Capacity</th>
          </tr>
        }
      >
        {agents.map((agent) => (
          <AgentRow key={agent.admin.id} agent={agent} canEdit={canManage || (canWrite && agent.admin.id === me.id)} canEditCapacity={canManage} />
        ))}
      </DataTable>
    </>
  );
}

type AgentRowData = ReturnType<typeof useLoaderData<typeof loader>>['agents'][number];

function AgentRow({ agent, canEdit, canEditCapacity }: { agent: AgentRowData; canEdit: boolean; canEditCapacity: boolean }) {
  const intent = agentIntent(agent.admin.id);
  const { busy, result } = useIntent(intent);
  const formId = `agent-${agent.admin.id}`;
  return (
    <tr data-testid="agent-row">
      <td>
        <strong>{agent.admin.name}</strong>
        <div className="muted small">
          {agent.admin.email} · {agent.admin.role.toLowerCase()}
        </div>
      </td>
      <td className="num" data-testid="agent-open">
        {formatCount(agent.openTickets)} / {formatCount(agent.capacity)}
      </td>
      <td>{formatDateTime(agent.lastAssignedAt)}</td>
      <td>
        <label className="inline">
          <input form={formId} type="checkbox" name="available" defaultChecked={agent.available} key={String(agent.available)} disabled={!canEdit} />
          {agent.available ? 'available' : 'away'}
        </label>
      </td>
      <td>
        <Form method="post" id={formId} className="toolbar" aria-label={`Agent ${agent.admin.name}`}>
          <input type="hidden" name="intent" value={intent} />
          <input name="capacity" type="number" min={0} max={1000} defaultValue={agent.capacity} key={agent.capacity} disabled={!canEditCapacity} aria-label="Capacity" className="agent-capacity" />
          {canEdit ? (
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          ) : null}
          {result && !result.ok ? (
            <span className="field-error" role="alert">
              {result.fieldErrors?.capacity ?? result.fieldErrors?.available ?? result.formError}
            </span>
          ) : null}
        </Form>
      </td>
    </tr>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
