import { slaView, useNow, type SlaStateName } from '../lib/sla.ts';

/** A ticket's priority, coloured: LOW grey, NORMAL blue, HIGH orange, URGENT red. */
export function PriorityBadge({ priority }: { priority: string }) {
  return <span className={`badge priority-${priority.toLowerCase()}`}>{priority.toLowerCase()}</span>;
}

/** A ticket's status, coloured. */
export function TicketStatusBadge({ status }: { status: string }) {
  return <span className={`badge ticket-status-${status.toLowerCase()}`}>{status.toLowerCase().replace('_', ' ')}</span>;
}

/**
 * The time left until an SLA due time, ticking every second in the browser from the timestamp the API
 * returned: no polling. Colour follows the state, and the clock moves it on (overdue reads as breached).
 */
export function SlaCountdown({ state, dueAt, atRiskAt, serverNow }: { state: SlaStateName | null | undefined; dueAt: string | null | undefined; atRiskAt?: string | null; serverNow: number }) {
  const now = useNow(serverNow);
  const view = slaView(state, dueAt, now, atRiskAt);
  return (
    <span className={`badge sla-${view.tone}`} role="timer" data-testid="sla-countdown" data-tone={view.tone} title={dueAt ?? undefined}>
      {view.text}
    </span>
  );
}
