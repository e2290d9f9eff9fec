// Providers' signing secrets: set from the console (encrypted with SECRETS_KEY), else from the environment.
import { z } from 'zod';
import { InputError } from '../../lib/errors.ts';
import { secrets } from '../../lib/secrets.ts';
import type { AdminScope, SystemScope } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';
import type { Provider } from './verify.ts';
import { env } from '../../env.ts';

export type SecretSource = 'ENV' | 'SETTINGS' | 'NONE';
export interface SecretStatus {
  provider: Provider;
  configured: boolean;
  source: SecretSource;
  updatedAt: Date | null;
}

const CACHE_MS = 5_000;
const cache = new Map<Provider, { value: string | null; source: SecretSource; at: number }>();
const context = (provider: Provider) => `webhook-secret:${provider}`;
const fromEnv = (provider: Provider) => (provider === 'STRIPE' ? env.STRIPE_WEBHOOK_SECRET : env.RESEND_WEBHOOK_SECRET) || null;

/** The secret requests of `provider` are verified with, or null when none is configured (cached briefly). */
export async function signingSecret(scope: SystemScope | AdminScope, provider: Provider): Promise<{ value: string | null; source: SecretSource }> {
  const hit = cache.get(provider);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  const row = await scope.db.webhookSecret.findUnique({ where: { provider } });
  const stored = row ? secrets().decrypt(row.secretEncrypted, context(provider)) : null;
  const envValue = fromEnv(provider);
  const entry = { value: stored ?? envValue, source: stored ? ('SETTINGS' as const) : envValue ? ('ENV' as const) : ('NONE' as const), at: Date.now() };
  cache.set(provider, entry);
  return entry;
}

export async function secretStatuses(scope: AdminScope): Promise<SecretStatus[]> {
  const rows = await scope.db.webhookSecret.findMany({ select: { provider: true, updatedAt: true } });
  return (['STRIPE', 'RESEND'] as const).map((provider) => {
    const stored = rows.find((r) => r.provider === provider);
    const source: SecretSource = stored ? 'SETTINGS' : fromEnv(provider) ? 'ENV' : 'NONE';
    return { provider, configured: source !== 'NONE', source, updatedAt: stored?.updatedAt ?? null };
  });
}

const secretSchema = z.object({ secret: z.string().trim().min(8, 'at least 8 characters').max(500, 'at most 500 characters') });

/** Stores (or, with null, removes) the console's secret for `provider`; audited without the value. */
export async function setWebhookSecret(scope: AdminScope, provider: Provider, secret: string | null): Promise<SecretStatus> {
  let value: string | null = null;
  if (secret !== null) {
    const parsed = secretSchema.safeParse({ secret });
    if (!parsed.success) throw InputError.fromZod(parsed.error, []);
    value = parsed.data.secret;
    if (provider === 'RESEND' && !/^(whsec_)?[A-Za-z0-9+/=]+$/.test(value)) throw InputError.field('secret', 'a Standard Webhooks secret (whsec_ followed by base64)');
  }
  await runAudited(scope, async (tx) => {
    const before = await tx.db.webhookSecret.findUnique({ where: { provider }, select: { provider: true, updatedAt: true } });
    if (value === null) {
      if (!before) return tx.unchanged(null);
      await tx.db.webhookSecret.delete({ where: { provider } });
      await tx.audit({ action: 'webhookSecret.clear', targetType: 'WebhookSecret', targetId: provider, before: { configured: true }, after: { configured: false } });
      return null;
    }
    const data = { secretEncrypted: secrets().encrypt(value, context(provider)), updatedById: scope.principal.userId };
    await tx.db.webhookSecret.upsert({ where: { provider }, create: { provider, ...data }, update: data });
    await tx.audit({ action: 'webhookSecret.set', targetType: 'WebhookSecret', targetId: provider, before: { configured: !!before }, after: { configured: true } });
    return null;
  });
  cache.delete(provider);
  return (await secretStatuses(scope)).find((s) => s.provider === provider)!;
}
