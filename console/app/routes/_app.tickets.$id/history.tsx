import { formatDateTime } from '../../lib/format.ts';
import type { AgentData, TicketData } from './route.tsx';
import { describeHistory } from './ticket-text.ts';

/** Everything that happened to the ticket, oldest first, in words. */
export function TicketHistory({ entries, agents }: { entries: TicketData['history']; agents: AgentData[] }) {
  const names = new Map(agents.map((a) => [a.admin.id, a.admin.name]));
  return (
    <section aria-label="History">
      <h2>History</h2>
      {entries.length ? (
        <ol className="timeline" data-testid="ticket-history">
          {entries.map((e) => (
            <li key={e.id} data-testid="history-entry" data-kind={e.kind} className={e.internal ? 'comment-internal' : undefined}>
              <span className="muted small">{formatDateTime(e.createdAt, { seconds: true })}</span> {describeHistory(e, names)}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Nothing yet.</p>
      )}
    </section>
  );
}
