import type { ReactNode } from 'react';
import { formatCountdown, useAutoRefresh } from '../../lib/countdown.ts';

const AUTO_REFRESH_SECONDS = 60;

/** One number of the dashboard: its label, the value, a line under it and anything more (a list). */
export function StatCard({ label, value, sub, testId, children }: { label: string; value: ReactNode; sub?: string; testId: string; children?: ReactNode }) {
  return (
    <div className="stat" role="group" data-testid={testId} aria-label={label}>
      <div className="label">{label}</div>
      <div className="value" data-testid="value">
        {value}
      </div>
      {sub ? <div className="sub">{sub}</div> : null}
      {children}
    </div>
  );
}

/**
 * Manual refresh, and an auto-refresh that is off until switched on. Kept in its own component so the
 * countdown's tick re-renders only this, not the charts.
 */
export function RefreshControls({ refreshing, onRefresh }: { refreshing: boolean; onRefresh: () => void }) {
  const auto = useAutoRefresh(onRefresh, AUTO_REFRESH_SECONDS);
  return (
    <div className="actions">
      <label className="inline">
        <input type="checkbox" checked={auto.enabled} onChange={auto.toggle} />
        Auto-refresh every {AUTO_REFRESH_SECONDS} s
      </label>
      {auto.secondsLeft !== null ? (
        <span className="muted countdown" data-testid="countdown" role="timer">
          next in {formatCountdown(auto.secondsLeft)}
        </span>
      ) : null}
      <button
        type="button"
        onClick={() => {
          onRefresh();
          auto.restart();
        }}
        disabled={refreshing}
      >
        {refreshing ? 'Refreshing…' : 'Refresh'}
      </button>
    </div>
  );
}
