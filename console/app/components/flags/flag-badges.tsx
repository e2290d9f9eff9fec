import { formatFlagValue } from '../../lib/flags.ts';
import { humanize } from '../../lib/format.ts';

/** The kill switch's state. */
export function FlagEnabledBadge({ enabled }: { enabled: boolean }) {
  return (
    <span className={`badge ${enabled ? 'status-active' : 'status-suspended'}`} data-testid="flag-enabled">
      {enabled ? 'Enabled' : 'Disabled'}
    </span>
  );
}

/** A flag value as one line: strings bare, everything else as JSON. */
export function FlagValue({ value }: { value: unknown }) {
  return <code data-testid="flag-value">{formatFlagValue(value)}</code>;
}

/** Why an evaluation served its value (Rule, Rollout, Tenant override…). */
export function ReasonBadge({ reason }: { reason: string }) {
  const tone = reason === 'DEFAULT' || reason === 'DISABLED' ? 'status-archived' : reason === 'SAFEGUARD_PAUSED' ? 'status-past_due' : 'status-trialing';
  return (
    <span className={`badge ${tone}`} data-testid="flag-reason" data-reason={reason}>
      {humanize(reason)}
    </span>
  );
}
