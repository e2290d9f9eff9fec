import { describe, expect, it } from 'vitest';
import { changeSummary } from './record-history.tsx';

describe('changeSummary', () => {
  it('lists what changed, from and to, without the timestamps every update touches', () => {
    const diff = { name: { from: 'Starter', to: 'Starter 2' }, monthlyPrice: { from: 2900, to: 3900 }, updatedAt: { from: 'a', to: 'b' } };
    expect(changeSummary('plan.update', diff)).toBe('monthlyPrice: 2900 → 3900; name: Starter → Starter 2');
  });

  it('shortens a long change and says a new record was created', () => {
    const diff = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, { from: 1, to: 2 }]));
    expect(changeSummary('plan.update', diff)).toBe('a: 1 → 2; b: 1 → 2; c: 1 → 2; +2 more');
    expect(changeSummary('admin.create', { email: { from: null, to: 'x@example.com' } })).toBe('Created');
    expect(changeSummary('admin.revokeSession', {})).toBe('');
    expect(changeSummary('plan.update', { description: { from: 'old', to: null } })).toBe('description: old → —');
  });

  it('reads a status change as words', () => {
    expect(changeSummary('tenant.suspend', { status: { from: 'PAST_DUE', to: 'SUSPENDED' }, suspensionReason: { from: null, to: 'Fraud' } })).toBe(
      'status: Past due → Suspended; suspensionReason: — → Fraud',
    );
  });
});
