import type { Prisma } from '../db/client.ts';
import { InvalidTransitionError } from './errors.ts';
import { findOrNotFound } from './records.ts';

export interface Transition<State extends string> {
  from: readonly State[];
  to: State;
}

export interface Lifecycle<Row, State extends string, Action extends string> {
  readonly resourceType: Prisma.ModelName;
  readonly transitions: Readonly<Record<Action, Transition<State>>>;
  /** The state `action` leads to. */
  target(action: Action): State;
  /** Throws InvalidTransitionError unless `action` may start from `current`. */
  assert(current: State, action: Action): void;
  /**
   * Reads the row, locks it for the rest of the transaction, reads it again and checks that `action` may
   * start from its state. Two requests racing on one row are serialised by the lock, and the one that
   * waited fails with InvalidTransitionError when the state it saw changed meanwhile: it acted on a
   * state that no longer exists. It fails before it writes anything (or any audit entry).
   */
  begin(
    tx: { lock(model: Prisma.ModelName, id: string): Promise<boolean> },
    id: string,
    action: Action,
    find: (id: string) => Promise<Row | null>,
  ): Promise<{ before: Row; to: State }>;
}

/**
 * A status machine: which actions exist, which states each may start from and where it leads. A
 * transition to the state a record is already in is never allowed (it would change nothing).
 */
export function defineLifecycle<Row, State extends string, Action extends string>(definition: {
  resourceType: Prisma.ModelName;
  state: (row: Row) => State;
  transitions: Record<Action, Transition<State>>;
}): Lifecycle<Row, State, Action> {
  for (const [action, { from, to }] of Object.entries(definition.transitions) as [string, Transition<State>][]) {
    if (from.includes(to)) throw new Error(`${definition.resourceType}.${action}: a transition may not start from its own target ${to}`);
  }
  const lifecycle: Lifecycle<Row, State, Action> = {
    resourceType: definition.resourceType,
    transitions: definition.transitions,
    target: (action) => definition.transitions[action].to,
    assert(current, action) {
      const { from, to } = definition.transitions[action];
      if (!from.includes(current)) throw new InvalidTransitionError(definition.resourceType, current, to);
    },
    async begin(tx, id, action, find) {
      const seen = definition.state(await findOrNotFound(definition.resourceType, id, find));
      lifecycle.assert(seen, action);
      const before = await findOrNotFound(definition.resourceType, id, find, { lock: tx });
      const current = definition.state(before);
      if (current !== seen) throw new InvalidTransitionError(definition.resourceType, current, definition.transitions[action].to);
      return { before, to: definition.transitions[action].to };
    },
  };
  return lifecycle;
}
