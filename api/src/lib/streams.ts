// Async-iterator plumbing for subscriptions: several event streams as one, each value mapped.

/** Each value of `source`, mapped; ending it ends the source. */
export function mapped<T, U>(source: AsyncIterableIterator<T>, map: (value: T) => U): AsyncIterableIterator<U> {
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: map(r.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * One stream of several. Ending it ends every source at once (their pending reads finish), so a client
 * that unsubscribes leaves no listener behind until some later event.
 */
export function merged<T>(sources: AsyncIterableIterator<T>[]): AsyncIterableIterator<T> {
  let closed = false;
  const pending = new Map<number, Promise<[number, IteratorResult<T>]>>();
  const pull = (i: number) => pending.set(i, sources[i]!.next().then((r) => [i, r] as [number, IteratorResult<T>]));
  sources.forEach((_, i) => pull(i));
  const close = async () => {
    closed = true;
    await Promise.all(sources.map((s) => s.return?.()));
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      while (!closed && pending.size > 0) {
        const [i, r] = await Promise.race(pending.values());
        if (r.done) {
          pending.delete(i);
          continue;
        }
        pull(i);
        return { value: r.value, done: false };
      }
      return { value: undefined, done: true };
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
    async throw(error) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** The values of `source` that `keep` accepts, decided one at a time in order; ending it ends the source. */
export function filtered<T>(source: AsyncIterableIterator<T>, keep: (value: T) => Promise<boolean>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done || (await keep(r.value))) return r;
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
