import { describe, expect, it } from 'vitest';
import { AdminFilterFields, TenantFilterFields, tenantsList } from '../gql/lists.ts';
import type { TenantFilter } from '../gql/graphql.ts';
import { exportCapNotice, exportHref, isInstant, isoDate, pageHref, pageVariables, readFilter, readSort, withParams } from './list.ts';

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
  const PLAN = '5b1f0c1e-8c1a-4b7e-9a4f-2f1e0c9d8b7a';

  it('reads each field as the list describes it, typed as the API\'s filter', () => {
    const filter: TenantFilter = readFilter(
      new URLSearchParams(`search=%20acme%20&status=ACTIVE,SUSPENDED&status=TRIALING&planId=${PLAN}&createdFrom=2026-11-01&createdTo=2026-11-30`),
      TenantFilterFields,
    );
    expect(filter).toEqual({
      search: 'acme', status: ['ACTIVE', 'SUSPENDED', 'TRIALING'], planId: PLAN,
      createdFrom: '2026-11-01T00:00:00.000Z', createdTo: '2026-11-30T23:59:59.999Z',
    });
    expect(readFilter(new URLSearchParams('active=false&role=OWNER'), AdminFilterFields)).toEqual({ active: false, role: ['OWNER'] });
  });

  it('leaves out what a stale or edited link may carry', () => {
    expect(readFilter(new URLSearchParams('status=BOGUS&planId=not-an-id&createdFrom=soon&search=%20&unknown=1'), TenantFilterFields)).toEqual({});
    expect(readFilter(new URLSearchParams('status=ACTIVE,BOGUS'), TenantFilterFields)).toEqual({ status: ['ACTIVE'] });
    expect(readFilter(new URLSearchParams('active=maybe'), AdminFilterFields)).toEqual({});
  });

  it('takes the sort from the list, or its default', () => {
    expect(readSort(new URLSearchParams('sort=NAME_ASC'), tenantsList)).toBe('NAME_ASC');
    expect(readSort(new URLSearchParams('sort=DROP TABLE'), tenantsList)).toBe('CREATED_AT_DESC');
  });
});

describe('CSV export', () => {
  it('exports every row the filter matches, with the same bounds and sort as the list', () => {
    const filter = readFilter(new URLSearchParams('search=acme&status=ACTIVE,TRIALING&createdTo=2026-11-30&after=c&size=50'), TenantFilterFields);
    expect(exportHref('tenants', filter, 'NAME_ASC')).toBe(
      '/exports/tenants.csv?createdTo=2026-11-30T23%3A59%3A59.999Z&search=acme&status=ACTIVE%2CTRIALING&sort=NAME_ASC',
    );
    expect(exportHref('plans', {})).toBe('/exports/plans.csv');
    expect(exportHref('admins', { active: false })).toBe('/exports/admins.csv?active=false');
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

describe('isInstant', () => {
  it('tells an exact instant from the dates and times a field can show', () => {
    expect(isInstant('2026-12-06T11:00:00.123Z')).toBe(true);
    expect(isInstant('2026-12-06T11:00:00+01:00')).toBe(true);
    expect(isInstant('2026-12-06')).toBe(false);
    expect(isInstant('2026-12-06T11:00')).toBe(false);
    expect(isInstant('soon')).toBe(false);
    expect(isInstant(null)).toBe(false);
  });
});
