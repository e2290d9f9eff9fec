import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Seconds left until the next refresh, from when the countdown started. Computed from the clock rather
 * than by counting ticks, so a throttled background tab still refreshes on time.
 */
export function secondsLeft(startedAt: number, intervalSeconds: number, now: number): number {
  const elapsed = Math.max(0, now - startedAt);
  return Math.max(0, intervalSeconds - Math.floor(elapsed / 1_000));
}

/** "0:59", "1:00" */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Auto-refresh, off until turned on: a one-second timer drives the visible countdown and calls
 * `onRefresh` when it reaches zero, then starts over. Nothing runs while it is off.
 */
export function useAutoRefresh(onRefresh: () => void, intervalSeconds = 60) {
  const [enabled, setEnabled] = useState(false);
  const [left, setLeft] = useState(intervalSeconds);
  const startedAt = useRef(0);
  const refresh = useRef(onRefresh);
  refresh.current = onRefresh;

  useEffect(() => {
    if (!enabled) return;
    startedAt.current = Date.now();
    setLeft(intervalSeconds);
    const timer = setInterval(() => {
      const now = Date.now();
      const remaining = secondsLeft(startedAt.current, intervalSeconds, now);
      if (remaining === 0) {
        startedAt.current = now;
        setLeft(intervalSeconds);
        refresh.current();
      } else {
        setLeft(remaining);
      }
    }, 1_000);
    return () => clearInterval(timer);
  }, [enabled, intervalSeconds]);

  const toggle = useCallback(() => setEnabled((on) => !on), []);

  /** After a manual or live refresh the countdown starts over. */
  const restart = useCallback(() => {
    startedAt.current = Date.now();
    setLeft(intervalSeconds);
  }, [intervalSeconds]);

  return { enabled, toggle, restart, secondsLeft: enabled ? left : null };
}
