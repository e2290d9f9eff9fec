import { describe, expect, it } from 'vitest';
import { bulkSummary, describeBulkChanges, readBulkForm, UNASSIGN } from './bulk-form.ts';

const values = { statuses: ['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED'], priorities: ['LOW', 'NORMAL', 'HIGH', 'URGENT'] } as const;
const A = '7b0c6a9e-3d1f-4c55-9a63-1f2e3d4c5b6a';
const B = '0d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';

function form(entries: [string, string][]) {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe('readBulkForm', () => {
  it('changes the ticked tickets, each id once, with only the fields filled in', () => {
    const read = readBulkForm(form([['ids', A], ['ids', B], ['ids', A], ['status', 'PENDING'], ['priority', ''], ['addTag', ' billing ']]), values);
    expect(read).toEqual({ ok: true, value: { scope: 'ids', ids: [A, B], changes: { status: 'PENDING', addTag: 'billing' } } });
  });

  it('assigns to an agent or takes tickets back', () => {
    expect(readBulkForm(form([['ids', A], ['assigneeId', B]]), values)).toMatchObject({ ok: true, value: { changes: { assigneeId: B } } });
    expect(readBulkForm(form([['ids', A], ['assigneeId', UNASSIGN]]), values)).toMatchObject({ ok: true, value: { changes: { unassign: true } } });
  });

  it('applies to every ticket the filter matches with the count the admin confirmed', () => {
    expect(readBulkForm(form([['scope', 'filter'], ['expected', '42'], ['priority', 'URGENT'], ['ids', A]]), values)).toEqual({
      ok: true,
      value: { scope: 'filter', expected: 42, changes: { priority: 'URGENT' } },
    });
  });

  it('says what is missing', () => {
    expect(readBulkForm(form([['ids', A]]), values)).toMatchObject({ ok: false, formError: expect.stringContaining('Choose what to change') });
    expect(readBulkForm(form([['status', 'OPEN']]), values)).toMatchObject({ ok: false, formError: expect.stringContaining('Tick the tickets') });
    expect(readBulkForm(form([['ids', 'not-a-uuid'], ['status', 'OPEN']]), values)).toMatchObject({ ok: false, formError: expect.stringContaining('Tick the tickets') });
    expect(readBulkForm(form([['scope', 'filter'], ['expected', '0'], ['status', 'OPEN']]), values)).toMatchObject({ ok: false, formError: 'No ticket matches the filter.' });
  });

  it('names each field holding a value the API does not know', () => {
    expect(readBulkForm(form([['ids', A], ['status', 'DONE'], ['priority', 'MEH'], ['assigneeId', 'bob']]), values)).toEqual({
      ok: false,
      formError: null,
      fieldErrors: { status: 'Choose a status.', priority: 'Choose a priority.', assigneeId: 'Choose an agent.' },
    });
  });
});

describe('bulkSummary', () => {
  it.each([
    [{ matched: 1, changed: 1, unchanged: 0, failures: [] }, 'Changed 1 of 1 ticket.'],
    [{ matched: 4, changed: 2, unchanged: 1, failures: [{ ticketId: A, message: 'closed' }] }, 'Changed 2 of 4 tickets; 1 already as asked; 1 could not change.'],
  ])('%j reads %j', (outcome, text) => {
    expect(bulkSummary(outcome)).toBe(text);
  });
});

describe('describeBulkChanges', () => {
  const names = new Map([[B, 'Ada Agent']]);
  it('says what the form will change', () => {
    expect(describeBulkChanges(form([['assigneeId', B], ['status', 'ON_HOLD'], ['priority', 'LOW'], ['addTag', ' vip ']]), names)).toBe(
      'assign to Ada Agent, set the status to on hold, set the priority to low, add the tag “vip”',
    );
    expect(describeBulkChanges(form([['assigneeId', UNASSIGN]]), names)).toBe('unassign');
  });

  it('is null when nothing is chosen', () => {
    expect(describeBulkChanges(form([['status', ''], ['addTag', ' ']]), names)).toBeNull();
  });
});
