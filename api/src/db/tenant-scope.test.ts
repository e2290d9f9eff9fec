import { describe, expect, it } from 'vitest';
import { scopeArgs, TenantScopeError } from './tenant-scope.ts';

const T = '11111111-1111-4111-8111-111111111111';

describe('scopeArgs', () => {
  it('filters reads of tenant-owned models by the tenant', () => {
    expect(scopeArgs('TenantApiKey', 'findMany', { where: { name: 'x' } }, T)).toEqual({
      where: { AND: [{ name: 'x' }, { tenantId: T }] },
    });
    expect(scopeArgs('Tenant', 'findUnique', { where: { id: 'other' } }, T)).toEqual({ where: { id: 'other', AND: [{ id: T }] } });
    expect(scopeArgs('TenantApiKey', 'count', undefined, T)).toEqual({ where: { tenantId: T } });
  });

  it('leaves shared catalogue reads unfiltered but scopes nested tenant relations', () => {
    expect(scopeArgs('Plan', 'findMany', { include: { tenants: true } }, T)).toEqual({
      include: { tenants: { where: { id: T } } },
    });
    expect(scopeArgs('Tenant', 'findMany', { select: { apiKeys: { where: { name: 'a' } }, plan: true } }, T)).toEqual({
      where: { id: T },
      select: { apiKeys: { where: { AND: [{ name: 'a' }, { tenantId: T }] } }, plan: true },
    });
  });

  it('forces writes onto the tenant', () => {
    expect(scopeArgs('TenantApiKey', 'create', { data: { tenantId: 'other', name: 'k' } }, T)).toEqual({
      data: { tenantId: T, name: 'k' },
    });
    expect(scopeArgs('TenantApiKey', 'updateMany', { where: {}, data: { name: 'k', tenantId: 'other' } }, T)).toEqual({
      where: { tenantId: T }, data: { name: 'k', tenantId: T },
    });
    expect(scopeArgs('TenantApiKey', 'upsert', { where: { prefix: 'p' }, create: { tenantId: 'x' }, update: { tenantId: 'x' } }, T)).toEqual({
      where: { prefix: 'p', AND: [{ tenantId: T }] }, create: { tenantId: T }, update: { tenantId: T },
    });
    expect(scopeArgs('Tenant', 'update', { where: { id: 'other' }, data: { name: 'n' } }, T)).toEqual({
      where: { id: 'other', AND: [{ id: T }] }, data: { name: 'n' },
    });
  });

  it('refuses models and operations a tenant may never use', () => {
    expect(() => scopeArgs('AdminUser', 'findMany', {}, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('AuditEvent', 'count', {}, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Plan', 'update', { where: { id: 'p' }, data: {} }, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Tenant', 'create', { data: {} }, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Tenant', 'findMany', { include: { apiKeys: { include: { createdBy: true } } } }, T)).toThrow(TenantScopeError);
  });
});
