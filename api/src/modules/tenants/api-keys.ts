import { z } from 'zod';
import type { TenantApiKey } from '../../generated/prisma/client.ts';
import { ConflictError, parseInput } from '../../lib/errors.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { id as idSchema, name } from '../../lib/strings.ts';
import { API_KEY_PREFIX, newApiKey, parseApiKey, safeEqualHex, sha256 } from '../../lib/tokens.ts';
import type { PlatformScope, SystemScope, TenantPrincipal } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';

/** Throttles `lastUsedAt` writes to one per minute per key. */
const TOUCH_INTERVAL_MS = 60_000;

export const createApiKeySchema = z.object({
  tenantId: idSchema,
  name: name(100),
  expiresAt: z.date().refine((d) => d > new Date(), 'must be in the future').nullish(),
});

/** A key as the audit log and the graph show it: never its hash. */
function visible(key: TenantApiKey) {
  const { secretHash: _secret, ...rest } = key;
  return rest;
}

/** Creates a key for a tenant; the secret is returned this once and only its hash is stored. */
export async function createApiKey(scope: PlatformScope, input: z.input<typeof createApiKeySchema>) {
  const data = parseInput(createApiKeySchema, input);
  const { key, prefix } = newApiKey();
  const apiKey = await runAudited(scope, async (tx) => {
    const tenant = await findOrNotFound('Tenant', data.tenantId, (id) => tx.db.tenant.findUnique({ where: { id } }), { lock: tx, field: 'input.tenantId' });
    if (tenant.status === 'DELETED') throw new ConflictError('A deleted tenant cannot get API keys', 'tenantId');
    const created = await tx.db.tenantApiKey.create({
      data: {
        tenantId: data.tenantId, name: data.name, prefix, secretHash: sha256(key), expiresAt: data.expiresAt ?? null,
        createdById: scope.principal.kind === 'admin' ? scope.principal.userId : null,
      },
    });
    await tx.audit({ action: 'apiKey.create', targetType: 'TenantApiKey', targetId: created.id, tenantId: data.tenantId, after: visible(created) });
    return created;
  });
  return { apiKey, secret: key };
}

const apiKeyLifecycle = defineLifecycle({
  resourceType: 'TenantApiKey',
  state: (key: TenantApiKey) => (key.revokedAt ? 'REVOKED' : 'ACTIVE'),
  transitions: { revoke: { from: ['ACTIVE'], to: 'REVOKED' } },
});

/** Revokes a key: it stops at once, open connections included, on every instance. */
export async function revokeApiKey(scope: PlatformScope, id: string): Promise<TenantApiKey> {
  return runAudited(scope, async (tx) => {
    const { before } = await apiKeyLifecycle.begin(tx, id, 'revoke', (id) => tx.db.tenantApiKey.findUnique({ where: { id } }));
    const after = await tx.db.tenantApiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await tx.audit({
      action: 'apiKey.revoke', targetType: 'TenantApiKey', targetId: id, tenantId: before.tenantId,
      before: { revokedAt: before.revokedAt }, after: { revokedAt: after.revokedAt },
    });
    await tx.publish('accessRevoked', { kind: 'apiKey', apiKeyId: id });
    return after;
  });
}

/**
 * The tenant behind an API key, or null when the key is malformed, unknown, revoked or expired, or its
 * tenant is suspended or deleted.
 */
export async function authenticateApiKey(scope: SystemScope, token: string): Promise<TenantPrincipal | null> {
  if (!token.startsWith(API_KEY_PREFIX)) return null;
  const parsed = parseApiKey(token);
  if (!parsed) return null;
  const now = new Date();
  const key = await scope.db.tenantApiKey.findUnique({
    where: { prefix: parsed.prefix },
    select: { id: true, tenantId: true, secretHash: true, revokedAt: true, expiresAt: true, lastUsedAt: true, tenant: { select: { status: true } } },
  });
  if (!key || !safeEqualHex(key.secretHash, sha256(token))) return null;
  if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
  if (key.tenant.status === 'SUSPENDED' || key.tenant.status === 'DELETED') return null;
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await scope.db.tenantApiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { kind: 'tenant', tenantId: key.tenantId, apiKeyId: key.id, keyExpiresAt: key.expiresAt };
}
