import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field, FormError } from '../../components/form.tsx';
import { DataTable } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { PriorityBadge } from '../../components/ticket-badges.tsx';
import { TicketSettingsNav } from '../../components/ticket-settings-nav.tsx';
import { graphql } from '../../gql/index.ts';
import { TicketPriorityValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { humanize } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import { useCan } from '../_app.tsx';
import { formatMinutes, TARGETS } from './policy-form.ts';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'SLA policies · Opsgraph' }];

const PoliciesQuery = graphql(`
  query TicketSlaPolicies {
    slaPolicies {
      id
      priority
      firstResponseMinutes
      nextResponseMinutes
      resolutionMinutes
      escalateTo
      plan {
        id
        name
      }
      calendar {
        id
        name
        timeZone
      }
    }
    slaCalendars {
      id
      name
      timeZone
    }
    plans(first: 100, sort: NAME_ASC) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  return gql(args, PoliciesQuery);
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Policy = Data['slaPolicies'][number];
type Calendar = Data['slaCalendars'][number];

export default function TicketSlaPolicies() {
  const { slaPolicies, slaCalendars, plans } = useLoaderData<typeof loader>();
  const canManage = useCan('SUPPORT_MANAGE');
  const planList = plans.edges.map((e) => e.node);
  return (
    <>
      <PageHeader
        parent={{ to: '/tickets', label: 'Tickets' }}
        title="Ticket settings"
        sub={<span className="muted">Targets per plan and priority, in business minutes of the policy's calendar. A plan with no policies gets the defaults with its first ticket.</span>}
      />
      <TicketSettingsNav />
      {planList.map((plan) => {
        const policies = slaPolicies.filter((p) => p.plan.id === plan.id);
        return (
          <section key={plan.id} aria-label={`SLA of ${plan.name}`} data-testid="plan-policies">
            <h2>
              {plan.name} {plan.status === 'ARCHIVED' ? <span className="muted small">(archived)</span> : null}
            </h2>
            <DataTable
              colSpan={7}
              empty="No policies: tickets of this plan get the defaults."
              head={
                <tr>
                  <th>Priority</th>
                  <th>Calendar</th>
                  {TARGETS.map((t) => (
                    <th key={t.name}>{t.label} (min)</th>
                  ))}
                  <th>On breach raise to</th>
                  <th />
                </tr>
              }
            >
              {policies.map((p) => (
                <PolicyRow key={p.id} policy={p} calendars={slaCalendars} canManage={canManage} />
              ))}
            </DataTable>
          </section>
        );
      })}
      {canManage ? <NewPolicy plans={planList} calendars={slaCalendars} /> : null}
    </>
  );
}

function CalendarSelect({ calendars, value, form }: { calendars: Calendar[]; value?: string; form?: string }) {
  return (
    <select name="calendarId" form={form} defaultValue={value ?? calendars[0]?.id ?? ''} aria-label="Calendar">
      {calendars.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name} ({c.timeZone})
        </option>
      ))}
    </select>
  );
}

function EscalationSelect({ value, form }: { value?: string | null; form?: string }) {
  return (
    <select name="escalateTo" form={form} defaultValue={value ?? ''} aria-label="On breach raise to">
      <option value="">No escalation</option>
      {TicketPriorityValues.map((p) => (
        <option key={p} value={p}>
          {humanize(p)}
        </option>
      ))}
    </select>
  );
}

function PolicyRow({ policy, calendars, canManage }: { policy: Policy; calendars: Calendar[]; canManage: boolean }) {
  const intent = `update-${policy.id}`;
  const { busy, result } = useIntent(intent);
  const formId = `policy-${policy.id}`;
  const key = JSON.stringify(policy);
  const message = result && !result.ok ? (result.formError ?? Object.values(result.fieldErrors ?? {}).join(' ')) : null;
  return (
    <tr data-testid="policy-row" key={key} className="policy-row">
      <td>
        <PriorityBadge priority={policy.priority} />
      </td>
      <td>{canManage ? <CalendarSelect calendars={calendars} value={policy.calendar.id} form={formId} /> : policy.calendar.name}</td>
      {TARGETS.map((t) => (
        <td key={t.name}>
          {canManage ? (
            <input form={formId} name={t.name} type="number" min={1} defaultValue={policy[t.name]} aria-label={t.label} className="minutes" />
          ) : null}
          <div className="muted small">{formatMinutes(policy[t.name])}</div>
        </td>
      ))}
      <td>{canManage ? <EscalationSelect value={policy.escalateTo} form={formId} /> : policy.escalateTo ? humanize(policy.escalateTo) : '—'}</td>
      <td className="nowrap">
        {canManage ? (
          <div className="policy-actions">
            <Form method="post" id={formId}>
              <input type="hidden" name="intent" value={intent} />
              <button type="submit" disabled={busy}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            </Form>
            <IntentDialog intent={`delete-${policy.id}`} label="Delete" title={`Delete the ${humanize(policy.priority).toLowerCase()} policy of ${policy.plan.name}`} submitLabel="Delete policy" busyLabel="Deleting…" danger>
              <p>Its tickets have no SLA from then on.</p>
            </IntentDialog>
          </div>
        ) : null}
        {message ? (
          <span className="field-error" role="alert">
            {message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function NewPolicy({ plans, calendars }: { plans: { id: string; name: string }[]; calendars: Calendar[] }) {
  const { busy, result, done } = useIntent('create');
  const errors = result?.fieldErrors ?? {};
  return (
    <Form method="post" className="card plan-form" aria-label="New policy" key={done ? 'created' : 'new'}>
      <h2>New policy</h2>
      <input type="hidden" name="intent" value="create" />
      <FormError message={result?.formError} />
      <div className="form-grid">
        <Field label="Plan" name="planId" error={errors.planId}>
          <select name="planId">
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Priority" name="priority" error={errors.priority}>
          <select name="priority" defaultValue="NORMAL">
            {TicketPriorityValues.map((p) => (
              <option key={p} value={p}>
                {humanize(p)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Calendar" name="calendarId" error={errors.calendarId}>
          <CalendarSelect calendars={calendars} />
        </Field>
        {TARGETS.map((t) => (
          <Field key={t.name} label={`${t.label} (business minutes)`} name={t.name} error={errors[t.name]}>
            <input name={t.name} type="number" min={1} required />
          </Field>
        ))}
        <Field label="On breach raise to" name="escalateTo" error={errors.escalateTo}>
          <EscalationSelect />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || calendars.length === 0}>
          {busy ? 'Creating…' : 'Create policy'}
        </button>
        {calendars.length === 0 ? <span className="muted">Create a business-hours calendar first.</span> : null}
      </div>
    </Form>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
