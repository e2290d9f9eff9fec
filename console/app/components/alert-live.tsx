import { Link } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { useClient, useSubscription } from 'urql';
import { graphql } from '../gql/index.ts';
import type { ShellAlertEventsSubscription } from '../gql/graphql.ts';
import { SeverityBadge } from './alert-badges.tsx';

// Alerts anywhere in the console: the shell subscribes once for every page, shows a toast when an alert
// fires and keeps the count of firing alerts on the sidebar's Monitoring link.

const ShellAlertEvents = graphql(`
  subscription ShellAlertEvents {
    alertEvents {
      kind
      alertId
      ruleId
      ruleName
      severity
      state
      at
    }
  }
`);

export const FiringCount = graphql(`
  query ShellFiringCount {
    monitoringOverview {
      firing
    }
  }
`);

type AlertEvent = ShellAlertEventsSubscription['alertEvents'];
type Toast = AlertEvent & { key: number };

const MAX_TOASTS = 5;

/**
 * The alert events of this tab, newest last; `firing` is the count of firing alerts, from the loader's
 * count and read again after each event (an event alone cannot say whether the alert was counted).
 */
export function useShellAlerts(initialFiring: number | null) {
  const client = useClient();
  const [firing, setFiring] = useState(initialFiring);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const seq = useRef(0);
  useEffect(() => setFiring(initialFiring), [initialFiring]);
  const [result] = useSubscription({ query: ShellAlertEvents, pause: initialFiring === null }, (events: AlertEvent[] = [], event) => [...events, event.alertEvents]);
  const seen = useRef(0);
  useEffect(() => {
    const events = result.data ?? [];
    const fresh = events.slice(seen.current);
    seen.current = events.length;
    if (!fresh.length) return;
    const fired = fresh.filter((e) => e.kind === 'FIRING');
    if (fired.length) setToasts((prev) => [...prev, ...fired.map((e) => ({ ...e, key: ++seq.current }))].slice(-MAX_TOASTS));
    void client
      .query(FiringCount, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((answer) => {
        if (answer.data) setFiring(answer.data.monitoringOverview.firing);
      });
  }, [result.data, client]);
  const dismiss = (key: number) => setToasts((prev) => prev.filter((t) => t.key !== key));
  return { firing, toasts, dismiss };
}

/** The count on the Monitoring link; nothing while no alert fires. */
export function FiringBadge({ count }: { count: number | null }) {
  if (!count) return null;
  return (
    <span className="nav-badge" data-testid="monitoring-badge" aria-hidden="true" title={`${count} firing`}>
      {count}
    </span>
  );
}

export function AlertToasts({ toasts, dismiss }: { toasts: Toast[]; dismiss: (key: number) => void }) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="Alerts">
      {toasts.map((t) => (
        <div key={t.key} className="toast" data-testid="alert-toast" data-alert={t.alertId}>
          <SeverityBadge severity={t.severity} />
          <div className="grow">
            <strong>{t.ruleName}</strong> is firing
            <div>
              <Link to={`/monitoring/alerts/${t.alertId}`} onClick={() => dismiss(t.key)}>
                Open the alert
              </Link>
            </div>
          </div>
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => dismiss(t.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
