import { describe, expect, it } from 'vitest';
import { compactValue, diffRows, prettyJson, sameJson } from './audit-diff.ts';

describe('diffRows', () => {
  it('lists each changed field with its old and new value, sorted by field', () => {
    const rows = diffRows(
      { status: { from: 'TRIALING', to: 'SUSPENDED' }, name: { from: 'Acme', to: 'Acme Inc' } },
      { before: { status: 'TRIALING', name: 'Acme' }, after: { status: 'SUSPENDED', name: 'Acme Inc' } },
    );
    expect(rows).toEqual([
      { field: 'name', from: 'Acme', to: 'Acme Inc', kind: 'changed' },
      { field: 'status', from: 'TRIALING', to: 'SUSPENDED', kind: 'changed' },
    ]);
  });

  it('shows nested objects and arrays as compact JSON', () => {
    const [settings, entitlements] = diffRows({
      settings: { from: { timezone: 'UTC', locale: 'en' }, to: { timezone: 'Europe/Paris', locale: 'en' } },
      tags: { from: ['a'], to: ['a', 'b'] },
    });
    expect(settings).toEqual({
      field: 'settings',
      from: '{"timezone":"UTC","locale":"en"}',
      to: '{"timezone":"Europe/Paris","locale":"en"}',
      kind: 'changed',
    });
    expect(entitlements).toMatchObject({ from: '["a"]', to: '["a","b"]' });
  });

  it('marks a field that gained or lost its value', () => {
    const rows = diffRows(
      { onboardedAt: { from: null, to: '2026-01-02T03:04:05.000Z' }, deactivatedAt: { from: '2026-01-01T00:00:00.000Z', to: null } },
      { before: { onboardedAt: null }, after: { onboardedAt: '2026-01-02T03:04:05.000Z' } },
    );
    expect(rows).toEqual([
      { field: 'deactivatedAt', from: '2026-01-01T00:00:00.000Z', to: null, kind: 'removed' },
      { field: 'onboardedAt', from: null, to: '2026-01-02T03:04:05.000Z', kind: 'added' },
    ]);
  });

  it('treats every field of a created record as added', () => {
    const rows = diffRows(
      { name: { from: null, to: 'Globex' }, seats: { from: null, to: 5 }, archived: { from: null, to: false } },
      { before: null, after: { name: 'Globex', seats: 5, archived: false } },
    );
    expect(rows.map((r) => [r.field, r.from, r.to, r.kind])).toEqual([
      ['archived', null, 'false', 'added'],
      ['name', null, 'Globex', 'added'],
      ['seats', null, '5', 'added'],
    ]);
  });

  it('treats every field of a deleted record as removed', () => {
    const rows = diffRows({ code: { from: 'pro', to: null }, quotas: { from: { seats: 10 }, to: null } }, { before: { code: 'pro' }, after: null });
    expect(rows).toEqual([
      { field: 'code', from: 'pro', to: null, kind: 'removed' },
      { field: 'quotas', from: '{"seats":10}', to: null, kind: 'removed' },
    ]);
  });

  it('keeps empty strings and zeros apart from no value', () => {
    const rows = diffRows({ note: { from: '', to: 'x' }, count: { from: 0, to: 1 } });
    expect(rows).toEqual([
      { field: 'count', from: '0', to: '1', kind: 'changed' },
      { field: 'note', from: '""', to: 'x', kind: 'changed' },
    ]);
  });

  it('leaves out a field whose values differ only in key order', () => {
    const rows = diffRows({
      settings: { from: { timezone: 'UTC', locale: 'en', tags: [{ a: 1, b: 2 }] }, to: { locale: 'en', tags: [{ b: 2, a: 1 }], timezone: 'UTC' } },
      onboardedAt: { from: null, to: '2026-01-02T03:04:05.000Z' },
    });
    expect(rows.map((r) => r.field)).toEqual(['onboardedAt']);
  });

  it('has no rows for an empty or missing diff', () => {
    expect(diffRows({})).toEqual([]);
    expect(diffRows(null)).toEqual([]);
    expect(diffRows(['not', 'a', 'diff'])).toEqual([]);
  });

  it('shows a value that is not a { from, to } pair as the new value', () => {
    expect(diffRows({ legacy: 'yes' })).toEqual([{ field: 'legacy', from: null, to: 'yes', kind: 'added' }]);
  });
});

describe('sameJson', () => {
  it('compares values deeply, objects regardless of key order, arrays in order', () => {
    expect(sameJson({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson(null, undefined)).toBe(true);
    expect(sameJson(0, null)).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });
});

describe('compactValue', () => {
  it('renders scalars as text and no value as null', () => {
    expect(compactValue('ACTIVE')).toBe('ACTIVE');
    expect(compactValue(12.5)).toBe('12.5');
    expect(compactValue(true)).toBe('true');
    expect(compactValue(null)).toBeNull();
    expect(compactValue(undefined)).toBeNull();
  });
});

describe('prettyJson', () => {
  it('indents a snapshot and has nothing for a missing one', () => {
    expect(prettyJson({ a: { b: 1 } })).toBe('{\n  "a": {\n    "b": 1\n  }\n}');
    expect(prettyJson(null)).toBeNull();
  });
});
