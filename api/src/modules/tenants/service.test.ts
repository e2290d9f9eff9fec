import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../lib/errors.ts';
import { tenantsList } from './lists.ts';
import { slugify, tenantLifecycle } from './service.ts';
import { readSettings } from './settings.ts';

describe('tenant rules', () => {
  it('derives URL-safe slugs from names', () => {
    expect(slugify('Zürich Widgets & Co.')).toBe('zurich-widgets-co');
    expect(slugify('  ---  ')).toBe('tenant');
    expect(slugify('a'.repeat(80))).toHaveLength(48);
  });

  it('allows only the documented status transitions and names both statuses when refusing', () => {
    expect(() => tenantLifecycle.assert('ACTIVE', 'suspend')).not.toThrow();
    expect(() => tenantLifecycle.assert('SUSPENDED', 'activate')).not.toThrow();
    expect(() => tenantLifecycle.assert('PAST_DUE', 'delete')).not.toThrow();
    const error = (() => {
      try {
        tenantLifecycle.assert('DELETED', 'activate');
      } catch (e) {
        return e as InvalidTransitionError;
      }
    })();
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect(error).toMatchObject({ currentStatus: 'DELETED', requestedStatus: 'ACTIVE' });
    expect(() => tenantLifecycle.assert('SUSPENDED', 'suspend')).toThrow(InvalidTransitionError);
    // Payments move only between ACTIVE and PAST_DUE; a trial, a suspension or a deletion is an admin's.
    expect(tenantLifecycle.transitions.markPastDue).toEqual({ from: ['ACTIVE'], to: 'PAST_DUE' });
    expect(tenantLifecycle.transitions.recoverPayment).toEqual({ from: ['PAST_DUE'], to: 'ACTIVE' });
    expect(() => tenantLifecycle.assert('SUSPENDED', 'recoverPayment')).toThrow(InvalidTransitionError);
    // Never to the state it is already in.
    for (const [action, { from, to }] of Object.entries(tenantLifecycle.transitions)) expect(from, action).not.toContain(to);
  });

  it('builds a case-insensitive search over name, slug and owner email', () => {
    expect(tenantsList.whereFor({ search: ' acme ', status: ['ACTIVE'] })).toMatchObject({
      status: { in: ['ACTIVE'] },
      OR: [
        { name: { contains: 'acme', mode: 'insensitive' } },
        { slug: { contains: 'acme', mode: 'insensitive' } },
        { ownerEmail: { contains: 'acme', mode: 'insensitive' } },
      ],
    });
    expect(() => tenantsList.whereFor({ planId: 'nope' })).toThrow(/filter.planId/);
  });

  it('bounds the trial end on both sides, exclusively', () => {
    const before = new Date('2026-03-08T00:00:00Z');
    const after = new Date('2026-03-01T00:00:00Z');
    expect(tenantsList.whereFor({ trialEndsBefore: before }).trialEndsAt).toEqual({ lt: before, gt: undefined });
    expect(tenantsList.whereFor({ trialEndsBefore: before, trialEndsAfter: after }).trialEndsAt).toEqual({ lt: before, gt: after });
    expect(tenantsList.whereFor({}).trialEndsAt).toBeUndefined();
    expect(() => tenantsList.whereFor({ trialEndsBefore: new Date('nope') })).toThrow(/filter.trialEndsBefore/);
  });

  it('fills in settings defaults for rows written before a key existed', () => {
    expect(readSettings({ timezone: 'Europe/Paris' })).toEqual({ timezone: 'Europe/Paris', locale: 'en', supportEmail: null, brandColor: null });
    expect(readSettings('garbage')).toMatchObject({ timezone: 'UTC' });
  });
});
