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
