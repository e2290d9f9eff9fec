import { describe, expect, it } from 'vitest';
import { diffRecords, toJson } from './diff.ts';

describe('diffRecords', () => {
  it('lists only the fields that changed', () => {
    expect(diffRecords({ status: 'ACTIVE', name: 'Acme' }, { status: 'SUSPENDED', name: 'Acme' })).toEqual({
      status: { from: 'ACTIVE', to: 'SUSPENDED' },
    });
  });

  it('treats a created record as changes from null', () => {
    expect(diffRecords(null, { name: 'Acme' })).toEqual({ name: { from: null, to: 'Acme' } });
  });

  it('compares dates and nested values by their JSON form and ignores updatedAt', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(
      diffRecords(
        { at, settings: { tz: 'UTC' }, updatedAt: new Date(1) },
        { at: new Date(at), settings: { tz: 'Europe/Paris' }, updatedAt: new Date(2) },
      ),
    ).toEqual({ settings: { from: { tz: 'UTC' }, to: { tz: 'Europe/Paris' } } });
  });

  it('does not count a different key order inside a JSON value as a change', () => {
    expect(
      diffRecords(
        { settings: { timezone: 'UTC', locale: 'en', tags: ['a', { x: 1, y: 2 }] } },
        { settings: { locale: 'en', timezone: 'UTC', tags: ['a', { y: 2, x: 1 }] } },
      ),
    ).toEqual({});
    expect(diffRecords({ tags: ['a', 'b'] }, { tags: ['b', 'a'] })).toEqual({ tags: { from: ['a', 'b'], to: ['b', 'a'] } });
    expect(diffRecords({ s: { a: 1 } }, { s: { a: 1, b: null } })).toEqual({ s: { from: { a: 1 }, to: { a: 1, b: null } } });
  });

  it('serialises dates and bigints', () => {
    expect(toJson({ a: new Date('2026-01-01T00:00:00Z'), b: 10n, c: undefined })).toEqual({
      a: '2026-01-01T00:00:00.000Z',
      b: '10',
    });
  });
});
