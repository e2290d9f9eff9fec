import { humanize } from '../lib/format.ts';

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge severity-${severity.toLowerCase()}`} data-testid="severity">{humanize(severity)}</span>;
}

/** PENDING, FIRING, RESOLVED; a firing alert someone acknowledged says so. */
export function AlertStateBadge({ state, acknowledged = false }: { state: string; acknowledged?: boolean }) {
  const label = state === 'FIRING' && acknowledged ? 'Acknowledged' : humanize(state);
  return (
    <span className={`badge alert-state-${acknowledged && state === 'FIRING' ? 'acknowledged' : state.toLowerCase()}`} data-testid="alert-state">
      {label}
    </span>
  );
}

const HEALTH_TEXT: Record<string, string> = { HEALTHY: 'Healthy', WARNING: 'Warning', CRITICAL: 'Critical' };

export function HealthBadge({ health }: { health: string }) {
  return (
    <span className={`health health-${health.toLowerCase()}`} data-testid="monitoring-health" data-health={health}>
      {HEALTH_TEXT[health] ?? humanize(health)}
    </span>
  );
}

export function DeliveryStatusBadge({ status }: { status: string }) {
  return <span className={`badge delivery-${status.toLowerCase()}`} data-testid="delivery-status">{humanize(status)}</span>;
}
