import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field, FormError } from '../../components/form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { TicketSettingsNav } from '../../components/ticket-settings-nav.tsx';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import { useCan } from '../_app.tsx';
import { dayLine, holidayLines, WEEKDAYS, type Holiday, type WeeklyRange } from './calendar-form.ts';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'Business hours · Opsgraph' }];

const CalendarsQuery = graphql(`
  query TicketCalendars {
    slaCalendars {
      id
      name
      timeZone
      weeklyHours {
        day
        start
        end
      }
      holidays {
        date
        name
      }
      policyCount
      updatedAt
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  return gql(args, CalendarsQuery);
}

type Calendar = { id?: string; name: string; timeZone: string; weeklyHours: WeeklyRange[]; holidays: Holiday[] };

const NEW_CALENDAR: Calendar = {
  name: '',
  timeZone: 'UTC',
  weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
};

export default function TicketCalendars() {
  const { slaCalendars } = useLoaderData<typeof loader>();
  const canManage = useCan('SUPPORT_MANAGE');
  return (
    <>
      <PageHeader parent={{ to: '/tickets', label: 'Tickets' }} title="Ticket settings" sub={<span className="muted">SLA targets count only the business hours of their policy's calendar.</span>} />
      <TicketSettingsNav />
      <div className="charts">
        {slaCalendars.map((c) => (
          <section key={c.id} className="card" aria-label={`Calendar ${c.name}`} data-testid="calendar">
            <header className="page-header">
              <div>
                <h2>{c.name}</h2>
                <span className="muted small">
                  {c.timeZone} · used by {c.policyCount} polic{c.policyCount === 1 ? 'y' : 'ies'} · saved {formatDateTime(c.updatedAt)}
                </span>
              </div>
              {canManage && c.policyCount === 0 ? (
                <div className="actions">
                  <IntentDialog intent={`delete-${c.id}`} label="Delete" title={`Delete the calendar ${c.name}`} submitLabel="Delete calendar" busyLabel="Deleting…" danger>
                    <p>No policy uses it. It is gone for good.</p>
                  </IntentDialog>
                </div>
              ) : null}
            </header>
            <CalendarForm intent={`update-${c.id}`} calendar={c} canManage={canManage} submitLabel="Save calendar" />
          </section>
        ))}
        {canManage ? (
          <section className="card" aria-label="New calendar">
            <h2>New calendar</h2>
            <CalendarForm intent="create" calendar={NEW_CALENDAR} canManage submitLabel="Create calendar" resetKey={slaCalendars.length} />
          </section>
        ) : null}
      </div>
    </>
  );
}

function CalendarForm({ intent, calendar, canManage, submitLabel, resetKey = 0 }: { intent: string; calendar: Calendar; canManage: boolean; submitLabel: string; resetKey?: number }) {
  const { busy, result, done } = useIntent(intent);
  const errors = result?.fieldErrors ?? {};
  // A saved calendar's form follows what is stored; the new one starts empty again once one was created.
  const key = `${resetKey}|${calendar.name}|${calendar.timeZone}|${JSON.stringify(calendar.weeklyHours)}|${JSON.stringify(calendar.holidays)}`;
  return (
    <Form method="post" className="plan-form" key={key}>
      <input type="hidden" name="intent" value={intent} />
      <FormError message={result?.formError ?? errors.weeklyHours} />
      <fieldset className="plan-fieldset" disabled={!canManage}>
        <Field label="Name" name="name" error={errors.name}>
          <input name="name" defaultValue={calendar.name} required />
        </Field>
        <Field label="Time zone" name="timeZone" error={errors.timeZone} hint="IANA name: Europe/Paris, America/New_York, UTC.">
          <input name="timeZone" defaultValue={calendar.timeZone} required />
        </Field>
        {WEEKDAYS.map((label, i) => (
          <Field key={label} label={label} name={`day${i + 1}`} error={errors[`day${i + 1}`]}>
            <input name={`day${i + 1}`} defaultValue={dayLine(calendar.weeklyHours, i + 1)} placeholder="closed" />
          </Field>
        ))}
        <Field label="Holidays" name="holidays" error={errors.holidays} hint="One a line: 2026-12-25 Christmas Day">
          <textarea name="holidays" rows={3} defaultValue={holidayLines(calendar.holidays)} />
        </Field>
      </fieldset>
      {canManage ? (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : submitLabel}
          </button>
          {done ? (
            <span className="muted" role="status">
              Saved.
            </span>
          ) : null}
        </div>
      ) : null}
    </Form>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
