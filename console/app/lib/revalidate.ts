import { useRevalidator } from '@remix-run/react';
import { useEffect, useMemo, useRef } from 'react';
import { throttle } from './throttle.ts';

/** A stable callback that reloads the page's data, at most once a second however many events arrive. */
export function useThrottledRevalidate(ms = 1_000): () => void {
  const revalidator = useRevalidator();
  const ref = useRef(revalidator);
  ref.current = revalidator;
  const throttled = useMemo(() => throttle(() => ref.current.revalidate(), ms), [ms]);
  useEffect(() => () => throttled.cancel(), [throttled]);
  return throttled;
}

/**
 * Reloads the page's data, throttled, each time `events` grows: a running count of live events, such as
 * a subscription's data under `countEvents`. While `enabled` is false, events are let pass.
 */
export function useRevalidateOnEvents(events: number | undefined, { ms = 1_000, enabled = true }: { ms?: number; enabled?: boolean } = {}) {
  const revalidate = useThrottledRevalidate(ms);
  const seen = useRef(events ?? 0);
  useEffect(() => {
    const count = events ?? 0;
    if (count > seen.current && enabled) revalidate();
    seen.current = count;
  }, [events, enabled, revalidate]);
}
