import { describe, expect, it } from 'vitest';
import { dateParam, endOfDay, enumListParam, enumParam, exportCapNotice, exportHref, isoDate, pageHref, pageVariables, withParams } from './list.ts';

describe('paging from the URL', () => {
  it('reads forward and backward cursors and a page size from the allowed sizes', () => {
    expect(pageVariables(new URLSearchParams(''))).toEqual({ first: 25 });
    expect(pageVariables(new URLSearchParams('after=abc&size=50'))).toEqual({ first: 50, after: 'abc' });
    expect(pageVariables(new URLSearchParams('before=xyz&size=100'))).toEqual({ last: 100, before: 'xyz' });
    expect(pageVariables(new URLSearchParams('size=100000'))).toEqual({ first: 25 });
  });

  it('changes the cursor and keeps the filters', () => {
    expect(pageHref('?search=acme&after=old', { after: 'new' })).toBe('?search=acme&after=new');
    expect(pageHref('?search=acme&after=old', { before: 'b' })).toBe('?search=acme&before=b');
  });

  it('goes back to the first page when a filter or the sort changes', () => {
    expect(withParams('?search=acme&after=c&sort=NAME_ASC', { sort: 'NAME_DESC' })).toBe('?search=acme&sort=NAME_DESC');
    expect(withParams('?search=acme', { search: '' })).toBe('?');
  });
});

describe('filters from the URL', () => {
  it('ignores values a stale link may carry', () => {
    const allowed = ['ACTIVE', 'SUSPENDED'] as const;
    expect(enumParam(new URLSearchParams('sort=NAME_ASC'), 'sort', ['NAME_ASC'])).toBe('NAME_ASC');
    expect(enumParam(new URLSearchParams('sort=DROP'), 'sort', ['NAME_ASC'])).toBeUndefined();
    expect(enumListParam(new URLSearchParams('status=ACTIVE,BOGUS,SUSPENDED'), 'status', allowed)).toEqual(['ACTIVE', 'SUSPENDED']);
    expect(enumListParam(new URLSearchParams('status=BOGUS'), 'status', allowed)).toBeUndefined();
  });

  it('reads a bare date as the start of the day, or its end for "to" bounds', () => {
    const params = new URLSearchParams('from=2026-11-01&to=2026-11-30&bad=soon');
    expect(dateParam(params, 'from')).toBe('2026-11-01T00:00:00.000Z');
    expect(dateParam(params, 'to', { endOfDay: true })).toBe('2026-11-30T23:59:59.999Z');
    expect(dateParam(params, 'bad')).toBeUndefined();
    expect(dateParam(params, 'missing')).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('exports every row the filters match: paging parameters are dropped', () => {
    expect(exportHref('tenants', '?search=acme&status=ACTIVE&after=c&size=50')).toBe('/exports/tenants.csv?search=acme&status=ACTIVE');
    expect(exportHref('plans', '')).toBe('/exports/plans.csv');
  });

  it('gives the export the same bounds as the list', () => {
    expect(exportHref('tenants', '?createdTo=2026-11-30', { createdTo: endOfDay })).toBe(
      '/exports/tenants.csv?createdTo=2026-11-30T23%3A59%3A59.999Z',
    );
  });

  it('says when the filter matches more rows than one export holds', () => {
    expect(exportCapNotice(100_000)).toBeNull();
    expect(exportCapNotice(250_000)).toBe(
      'The export holds the first 100,000 of 250,000 rows. Narrow the filters to export the rest.',
    );
  });
});

describe('isoDate', () => {
  it('reads a bare date as midnight UTC, or the end of that day', () => {
    expect(isoDate('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(isoDate('2026-03-01', { endOfDay: true })).toBe('2026-03-01T23:59:59.999Z');
  });

  it('reads a datetime-local value as UTC, and a "to" includes its whole minute', () => {
    expect(isoDate('2026-03-01T14:30')).toBe('2026-03-01T14:30:00.000Z');
    expect(isoDate('2026-03-01T14:30', { endOfDay: true })).toBe('2026-03-01T14:30:59.999Z');
    expect(isoDate('2026-03-01T14:30:15')).toBe('2026-03-01T14:30:15.000Z');
  });

  it('keeps an explicit zone and refuses what is not a time', () => {
    expect(isoDate('2026-03-01T14:30:00+02:00')).toBe('2026-03-01T12:30:00.000Z');
    expect(isoDate('yesterday')).toBeNull();
    expect(isoDate('2026-13-45')).toBeNull();
    expect(isoDate('12')).toBeNull();
  });
});
