import { describe, expect, it } from 'vitest';
import { actorLabel, auditExportHref, auditFilter, shortId, targetHref } from './audit-log.ts';

const TENANT = '0b6f3a52-5d0a-4c58-9d0e-0b6e2a1f9c11';
const ADMIN = '7d9a2c44-1f3e-4b6a-8c2d-5e4f3a2b1c0d';

describe('auditFilter', () => {
  it('turns URL parameters into the GraphQL filter', () => {
    const params = new URLSearchParams({
      actorId: ADMIN,
      action: 'tenant.',
      tenantId: TENANT,
      targetType: 'Tenant',
      targetId: TENANT,
      from: '2026-03-01',
      to: '2026-03-02',
      after: 'cursor',
    });
    expect(auditFilter(params)).toEqual({
      actorId: ADMIN,
      action: 'tenant.',
      tenantId: TENANT,
      targetType: 'Tenant',
      targetId: TENANT,
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T23:59:59.999Z',
    });
  });

  it('leaves out empty values and ids that are not UUIDs', () => {
    expect(auditFilter(new URLSearchParams('action=&tenantId=acme&actorId=&from=soon'))).toEqual({});
  });
});

describe('auditExportHref', () => {
  it('exports what the filters match, without paging, with times resolved to UTC', () => {
    const href = auditExportHref(new URLSearchParams(`action=tenant.suspend&to=2026-03-02&after=c2&before=c1&size=50&tenantId=${TENANT}`));
    const url = new URL(href, 'http://console');
    expect(url.pathname).toBe('/exports/audit-events.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ action: 'tenant.suspend', tenantId: TENANT, to: '2026-03-02T23:59:59.999Z' });
    expect(auditExportHref(new URLSearchParams())).toBe('/exports/audit-events.csv');
  });
});

describe('targetHref', () => {
  it('links tenants, plans and admins to their pages', () => {
    expect(targetHref('Tenant', TENANT)).toBe(`/tenants/${TENANT}`);
    expect(targetHref('Plan', 'p1')).toBe('/plans/p1');
    expect(targetHref('AdminUser', ADMIN)).toBe(`/admins/${ADMIN}`);
  });

  it('has no link for other targets or a missing id', () => {
    expect(targetHref('AdminSession', 's1')).toBeNull();
    expect(targetHref('Tenant', null)).toBeNull();
  });
});

describe('actorLabel', () => {
  it('names an admin by email and role, and other actors by kind', () => {
    expect(actorLabel({ actorType: 'ADMIN', actorEmail: 'owner@opsgraph.dev', actorRole: 'OWNER' })).toEqual({ name: 'owner@opsgraph.dev', role: 'OWNER' });
    expect(actorLabel({ actorType: 'SYSTEM', actorEmail: null, actorRole: null })).toEqual({ name: 'SYSTEM', role: null });
    expect(actorLabel({ actorType: 'TENANT', actorEmail: null, actorRole: null })).toEqual({ name: 'TENANT', role: null });
  });
});

describe('shortId', () => {
  it('shortens UUIDs to their first block and keeps other ids', () => {
    expect(shortId(TENANT)).toBe('0b6f3a52…');
    expect(shortId('sess_42')).toBe('sess_42');
  });
});

describe('auditVocabulary', () => {
  it('suggests each kind of action as a prefix, then each action, and lists each target type once', async () => {
    const { auditVocabulary } = await import('./audit-log.ts');
    expect(
      auditVocabulary([
        { action: 'admin.login', targetType: 'AdminSession' },
        { action: 'tenant.create', targetType: 'Tenant' },
        { action: 'tenant.suspend', targetType: 'Tenant' },
      ]),
    ).toEqual({ suggestions: ['admin.', 'tenant.', 'admin.login', 'tenant.create', 'tenant.suspend'], targetTypes: ['AdminSession', 'Tenant'] });
  });
});
