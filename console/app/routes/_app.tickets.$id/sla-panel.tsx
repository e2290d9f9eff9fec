import { SlaCountdown } from '../../components/ticket-badges.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import type { TicketData } from './route.tsx';

/**
 * The ticket's SLA targets, each with its due time ticking in the browser: first response (met once a
 * public reply is sent), next response (while the requester waits for an answer) and resolution.
 */
export function SlaPanel({ ticket, serverNow }: { ticket: TicketData; serverNow: number }) {
  const firstState = ticket.firstRespondedAt ? 'MET' : ticket.slaState;
  const finished = ticket.status === 'RESOLVED' || ticket.status === 'CLOSED';
  return (
    <section className="card" aria-label="SLA" data-testid="sla-panel">
      <h2>SLA</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="sla-state">{humanize(ticket.slaState)}</dd>
        <dt>First response</dt>
        <dd data-testid="sla-first-response">
          {ticket.firstRespondedAt ? (
            <>
              <span className="badge sla-met">met</span> <span data-testid="first-responded-at">{formatDateTime(ticket.firstRespondedAt, { seconds: true })}</span>
            </>
          ) : ticket.firstResponseDueAt ? (
            <SlaCountdown state={firstState} dueAt={ticket.firstResponseDueAt} serverNow={serverNow} />
          ) : (
            <span className="muted">no target</span>
          )}
        </dd>
        <dt>Next response</dt>
        <dd data-testid="sla-next-response">
          {ticket.nextResponseDueAt && !finished ? (
            <SlaCountdown state={ticket.slaState} dueAt={ticket.nextResponseDueAt} serverNow={serverNow} />
          ) : (
            <span className="muted">{ticket.awaitingReplySince ? 'no target' : 'not waiting'}</span>
          )}
        </dd>
        <dt>Resolution</dt>
        <dd data-testid="sla-resolution">
          {ticket.resolvedAt ? (
            <>
              <span className="badge sla-met">resolved</span> {formatDateTime(ticket.resolvedAt)}
            </>
          ) : ticket.resolutionDueAt ? (
            <SlaCountdown state={ticket.slaState} dueAt={ticket.resolutionDueAt} serverNow={serverNow} />
          ) : (
            <span className="muted">no target</span>
          )}
        </dd>
        {ticket.awaitingReplySince ? (
          <>
            <dt>Waiting since</dt>
            <dd>{formatDateTime(ticket.awaitingReplySince)}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
