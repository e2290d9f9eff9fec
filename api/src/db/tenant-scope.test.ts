import { describe, expect, it } from 'vitest';
import { tenantModelSpecs } from '../modules/index.ts';
import { createTenantScoping, TenantScopeError } from './tenant-scope.ts';

// The rules the modules declare, as the API uses them.
const { scopeArgs, client } = createTenantScoping(tenantModelSpecs);

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
    // A relation set to undefined stays unselected, as Prisma reads it; it must not become a nested read.
    expect(scopeArgs('Tenant', 'findMany', { select: { apiKeys: undefined, plan: false, name: true } }, T)).toEqual({
      where: { id: T },
      select: { apiKeys: undefined, plan: false, name: true },
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

  it('hides rows outside a model\'s visible values, in reads, nested reads, counts and writes', () => {
    expect(scopeArgs('TicketComment', 'findMany', { where: { ticketId: 'x' } }, T)).toEqual({
      where: { AND: [{ ticketId: 'x' }, { tenantId: T, internal: false }] },
    });
    expect(scopeArgs('Ticket', 'findMany', { select: { comments: true, _count: { select: { comments: true } } } }, T)).toEqual({
      where: { tenantId: T },
      select: { comments: { where: { tenantId: T, internal: false } }, _count: { select: { comments: { where: { tenantId: T, internal: false } } } } },
    });
    expect(scopeArgs('TicketComment', 'create', { data: { body: 'b', internal: true, tenantId: 'other' } }, T)).toEqual({
      data: { body: 'b', internal: false, tenantId: T },
    });
    expect(scopeArgs('TicketComment', 'updateMany', { where: {}, data: { internal: true } }, T)).toEqual({
      where: { tenantId: T, internal: false }, data: { internal: false, tenantId: T },
    });
  });

  it('refuses models and operations a tenant may never use', () => {
    expect(() => scopeArgs('AdminUser', 'findMany', {}, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('AuditEvent', 'count', {}, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Plan', 'update', { where: { id: 'p' }, data: {} }, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Tenant', 'create', { data: {} }, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('Tenant', 'findMany', { include: { apiKeys: { include: { createdBy: true } } } }, T)).toThrow(TenantScopeError);
  });

  it('lets a tenant append audit entries about itself, and read none', () => {
    expect(scopeArgs('AuditEvent', 'create', { data: { action: 'x', tenantId: 'other' } }, T)).toEqual({ data: { action: 'x', tenantId: T } });
    expect(() => scopeArgs('AuditEvent', 'findMany', {}, T)).toThrow(TenantScopeError);
    expect(() => scopeArgs('AuditEvent', 'updateMany', { data: {} }, T)).toThrow(TenantScopeError);
  });
});

describe('the scoped client', () => {
  const calls: { model: string; op: string; args: unknown }[] = [];
  const delegate = (model: string) =>
    new Proxy({}, { get: (_t, op) => (args: unknown) => calls.push({ model, op: String(op), args }) });
  const base = { tenant: delegate('tenant'), tenantApiKey: delegate('tenantApiKey'), plan: delegate('plan'), adminUser: delegate('adminUser') };

  it('passes scoped arguments to the underlying client and exposes nothing else', async () => {
    const db = client(base, T) as unknown as Record<string, Record<string, (args?: unknown) => unknown>>;
    await db.tenantApiKey!.findMany!({ where: { name: 'k' } });
    expect(calls.at(-1)).toEqual({ model: 'tenantApiKey', op: 'findMany', args: { where: { AND: [{ name: 'k' }, { tenantId: T }] } } });
    expect(() => db.adminUser).toThrow(TenantScopeError);
    expect(() => db.$queryRawUnsafe).toThrow(TenantScopeError);
    expect(() => db.tenant!.$executeRaw).toThrow(TenantScopeError);
    // Not a thenable: it can be returned from an async function.
    expect(await Promise.resolve(db)).toBe(db);
  });
});
