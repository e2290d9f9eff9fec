import { formatDateTime, humanize } from '../lib/format.ts';

type Entry = { id: string; kind: string; fromState?: string | null; toState?: string | null; value?: number | null; note?: string | null; at: string; alertId?: string };

/** An alert's (or a rule's) history, one line per transition or action. */
export function AlertHistory({ entries, linkAlerts = false }: { entries: Entry[]; linkAlerts?: boolean }) {
  if (!entries.length) return <p className="muted">Nothing happened yet.</p>;
  return (
    <ol className="timeline" data-testid="alert-history">
      {entries.map((e) => (
        <li key={e.id} data-testid="history-entry" data-kind={e.kind}>
          <span className="muted small">{formatDateTime(e.at, { seconds: true })}</span> <strong>{humanize(e.kind)}</strong>
          {e.fromState || e.toState ? ` ${humanize(e.fromState ?? '—')} → ${humanize(e.toState ?? '—')}` : ''}
          {e.value !== null && e.value !== undefined ? ` · value ${e.value}` : ''}
          {e.note ? ` · “${e.note}”` : ''}
          {linkAlerts && e.alertId ? (
            <>
              {' '}
              · <a href={`/monitoring/alerts/${e.alertId}`}>alert</a>
            </>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
