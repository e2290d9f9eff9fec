import { Form } from '@remix-run/react';
import { useState } from 'react';
import { Field, FormError } from '../../components/form.tsx';
import { DataTable, StatusBadge } from '../../components/list.tsx';
import type { FlagScheduledChangeKind, FlagStickiness } from '../../gql/graphql.ts';
import { FlagScheduledChangeKindValues, FlagStickinessValues } from '../../gql/lists.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';

type Change = { id: string; kind: FlagScheduledChangeKind; percentage?: number | null; stickiness?: FlagStickiness | null; runAt: string; status: string; error?: string | null };

/** A UTC `datetime-local` value an hour from now, on the minute. */
function inAnHour(): string {
  return new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
}

const KIND_TEXT: Record<FlagScheduledChangeKind, string> = { ENABLE: 'Turn on', DISABLE: 'Turn off', SET_ROLLOUT: 'Set the rollout' };

function describe(change: { kind: FlagScheduledChangeKind; percentage?: number | null; stickiness?: FlagStickiness | null }): string {
  if (change.kind === 'SET_ROLLOUT') {
    if (change.percentage === null || change.percentage === undefined) return 'Remove the rollout';
    return `Set the rollout to ${change.percentage}%${change.stickiness === 'USER' ? ' of users' : change.stickiness === 'TENANT' ? ' of tenants' : ''}`;
  }
  return KIND_TEXT[change.kind];
}

/** Changes that run by themselves at a time (a keyed job each): turn on, turn off, set the rollout. */
export function ScheduledChanges({ changes, canWrite }: { changes: readonly Change[]; canWrite: boolean }) {
  const schedule = useIntent('schedule');
  const cancel = useIntent('cancelChange');
  const [kind, setKind] = useState<FlagScheduledChangeKind>('ENABLE');
  const errors = schedule.result?.fieldErrors ?? {};
  return (
    <section aria-label="Scheduled changes" data-testid="flag-schedule">
      <h2>Scheduled changes</h2>
      {canWrite ? (
        <Form method="post" className="filters" noValidate>
          <input type="hidden" name="intent" value="schedule" />
          <Field label="Change" name="kind" error={errors.kind}>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as FlagScheduledChangeKind)}>
              {FlagScheduledChangeKindValues.map((k) => (
                <option key={k} value={k}>
                  {KIND_TEXT[k]}
                </option>
              ))}
            </select>
          </Field>
          {kind === 'SET_ROLLOUT' ? (
            <>
              <Field label="To (%)" name="percentage" error={errors.percentage} hint="Empty: remove the rollout.">
                <input name="percentage" inputMode="decimal" size={6} />
              </Field>
              <Field label="Of" name="stickiness" error={errors.stickiness}>
                <select name="stickiness" defaultValue="">
                  <option value="">(as now)</option>
                  {FlagStickinessValues.map((s) => (
                    <option key={s} value={s}>
                      {s === 'TENANT' ? 'tenants' : 'users'}
                    </option>
                  ))}
                </select>
              </Field>
            </>
          ) : null}
          <Field label="At (UTC)" name="runAt" error={errors.runAt}>
            <input type="datetime-local" name="runAt" defaultValue={inAnHour()} required suppressHydrationWarning />
          </Field>
          <button type="submit" className="primary" disabled={schedule.busy}>
            {schedule.busy ? 'Scheduling…' : 'Schedule'}
          </button>
          <FormError message={schedule.result?.formError} />
        </Form>
      ) : null}
      <FormError message={cancel.result?.formError} />
      <DataTable
        colSpan={4}
        empty="Nothing scheduled."
        head={
          <tr>
            <th>When</th>
            <th>Change</th>
            <th>Status</th>
            <th />
          </tr>
        }
      >
        {changes.map((c) => (
          <tr key={c.id} data-testid="scheduled-change" data-kind={c.kind}>
            <td className="nowrap">
              {formatDateTime(c.runAt)}
              <div className="muted small" suppressHydrationWarning>
                {formatRelative(c.runAt)}
              </div>
            </td>
            <td>{describe(c)}</td>
            <td>
              <StatusBadge status={c.status} />
              {c.error ? <div className="field-error">{c.error}</div> : null}
            </td>
            <td>
              {canWrite && c.status === 'PENDING' ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="cancelChange" />
                  <input type="hidden" name="changeId" value={c.id} />
                  <button type="submit" disabled={cancel.busy} aria-label={`Cancel: ${describe(c)} at ${formatDateTime(c.runAt)}`}>
                    Cancel
                  </button>
                </Form>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
