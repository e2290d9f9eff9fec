import { useSyncExternalStore } from 'react';

// SLA countdowns in the browser: computed from the due timestamps the API returns and one shared
// one-second clock, so a queue of 50 rows ticks without polling the API and without 50 timers.

export type SlaStateName = 'OK' | 'AT_RISK' | 'BREACHED' | 'PAUSED' | 'MET';

/** "2d 3h", "3h 05m", "4m 09s", "12s"; negative durations read as overdue ("-4m 09s"). */
export function formatRemaining(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1_000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${pad(m)}m`;
  if (m > 0) return `${sign}${m}m ${pad(s)}s`;
  return `${sign}${s}s`;
}

export interface SlaView {
  /** What to print: the time left, "overdue 4m", "paused", "met" or "—". */
  text: string;
  /** The badge's colour class. */
  tone: 'ok' | 'at-risk' | 'breached' | 'paused' | 'met' | 'none';
}

/**
 * What a ticket's SLA shows at `now`: the state the API reported, moved on by the clock (a due time that
 * has passed reads as breached before the breach job's event arrives; at-risk likewise).
 */
export function slaView(state: SlaStateName | null | undefined, dueAt: string | null | undefined, now: number, atRiskAt?: string | null): SlaView {
  if (state === 'MET') return { text: 'met', tone: 'met' };
  if (state === 'PAUSED') return { text: 'paused', tone: 'paused' };
  if (!dueAt) return { text: '—', tone: 'none' };
  const left = Date.parse(dueAt) - now;
  if (left <= 0 || state === 'BREACHED') return { text: left <= 0 ? `overdue ${formatRemaining(-left)}` : formatRemaining(left), tone: 'breached' };
  const risky = state === 'AT_RISK' || (atRiskAt != null && Date.parse(atRiskAt) <= now);
  return { text: formatRemaining(left), tone: risky ? 'at-risk' : 'ok' };
}

// One clock for the whole page: components subscribe, the interval runs only while someone listens.
const listeners = new Set<() => void>();
let current = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const l of listeners) l();
    }, 1_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/**
 * The current time, updated every second while mounted. The server render uses the time the loader's
 * data was read (`serverNow`), so the first browser render matches it.
 */
export function useNow(serverNow: number): number {
  return useSyncExternalStore(subscribe, () => current, () => serverNow);
}
