import { describe, expect, it } from 'vitest';
import { TicketStatusValues } from '../gql/lists.ts';
import { TICKET_STATUSES } from './ticket-enum-select.tsx';

describe('TICKET_STATUSES', () => {
  it("holds every status of the API's enum once, in lifecycle order", () => {
    expect([...TICKET_STATUSES].sort()).toEqual([...TicketStatusValues].sort());
    expect(TICKET_STATUSES[0]).toBe('NEW');
    expect(TICKET_STATUSES.at(-1)).toBe('CLOSED');
  });
});
