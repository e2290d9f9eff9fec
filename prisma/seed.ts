// Demo data: 3 plans, 50 tenants in mixed states, one admin per role, API keys for two demo tenants.
// `pnpm db:seed` runs it; `pnpm start` runs it on an empty development database.
import type { App } from '../api/src/app.ts';
import { hashPassword } from '../api/src/lib/password.ts';
import { newApiKey, sha256 } from '../api/src/lib/tokens.ts';
import { defaultTenantSettings } from '../api/src/modules/tenants/settings.ts';
import type {} from '../api/src/modules/tenants/tasks.ts'; // the tenantOnboard payload type
import { enqueueJob } from '../api/src/worker/task.ts';

export const DEMO_PASSWORD = 'opsgraph-demo-password';
export const DEMO_OWNER_EMAIL = 'owner@opsgraph.dev';

const ROLES = ['OWNER', 'ADMIN', 'SUPPORT', 'BILLING', 'VIEWER'] as const;

const PLANS = [
  {
    code: 'starter', name: 'Starter', description: 'For small teams getting started.', currency: 'USD',
    monthlyPrice: 2900, yearlyPrice: 29000, trialDays: 14, emailsPerMonth: 5_000, smsPerMonth: 100, seats: 3,
    apiCallsPerMonth: 100_000, entitlements: ['tickets', 'email'],
  },
  {
    code: 'growth', name: 'Growth', description: 'For growing businesses.', currency: 'USD',
    monthlyPrice: 9900, yearlyPrice: 99000, trialDays: 14, emailsPerMonth: 50_000, smsPerMonth: 1_000, seats: 15,
    apiCallsPerMonth: 1_000_000, entitlements: ['tickets', 'email', 'webhooks', 'flags'],
  },
  {
    code: 'scale', name: 'Scale', description: 'For large operations with SLAs.', currency: 'USD',
    monthlyPrice: 49900, yearlyPrice: 499000, trialDays: 30, emailsPerMonth: 500_000, smsPerMonth: 10_000, seats: 100,
    apiCallsPerMonth: 10_000_000, entitlements: ['tickets', 'email', 'webhooks', 'flags', 'sla', 'sso', 'audit-export'],
  },
];

const NAMES = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent',
  'Vandelay', 'Pied Piper', 'Aperture', 'Black Mesa', 'Oscorp', 'Gringotts', 'Monarch', 'Massive Dynamic',
  'Nakatomi', 'Prestige', 'Sterling', 'Dunder', 'Bluth', 'Krusty', 'Duff', 'Planet Express', 'Nuka', 'Vault-Tec',
  'Blue Sun', 'Weyland', 'Rekall', 'Omni', 'Zorg', 'Gekko', 'Ollivander', 'Sirius', 'Virtucon', 'Spacely', 'Cogswell',
  'Ajax', 'Bubba Gump', 'Los Pollos', 'Paper Street', 'Mooby', 'Kwik-E', 'Lacuna', 'Compu-Global', 'Yoyodyne', 'InGen',
];
const SUFFIXES = ['Inc', 'Labs', 'Co', 'Systems', 'Group'];

/** Deterministic status mix: 25 active, 12 trialing, 5 past due, 5 suspended, 3 deleted. */
function statusFor(i: number) {
  if (i < 25) return 'ACTIVE' as const;
  if (i < 37) return 'TRIALING' as const;
  if (i < 42) return 'PAST_DUE' as const;
  if (i < 47) return 'SUSPENDED' as const;
  return 'DELETED' as const;
}

export interface SeedResult {
  email: string;
  password: string;
  apiKeys: { tenant: string; key: string }[];
}

/** How many of the newest trials start un-onboarded, so the first start shows real onboarding jobs. */
const ONBOARDING_DEMO_TENANTS = 5;

export interface SeedOptions {
  /** Queue real onboarding jobs for the newest trials (needs graphile-worker's schema installed). */
  onboardNewTrials?: boolean;
}

export async function seedDemo(app: App, { onboardNewTrials = false }: SeedOptions = {}): Promise<SeedResult> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = Date.now();
  const keys = [newApiKey(), newApiKey()];
  const apiKeys: SeedResult['apiKeys'] = [];
  await app.prisma.$transaction(async (tx) => {
    for (const role of ROLES) {
      await tx.adminUser.create({
        data: { email: `${role.toLowerCase()}@opsgraph.dev`, name: `Demo ${role.toLowerCase()}`, role, passwordHash },
      });
    }
    const plans = [];
    for (const plan of PLANS) plans.push(await tx.plan.create({ data: plan }));
    for (let i = 0; i < 50; i += 1) {
      const status = statusFor(i);
      const base = NAMES[i]!;
      const name = `${base} ${SUFFIXES[i % SUFFIXES.length]}`;
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const plan = plans[i % 3]!;
      const createdAt = new Date(now - ((i * 37) % 60) * 86_400_000 - i * 3_600_000);
      const tenant = await tx.tenant.create({
        data: {
          name, slug, status, planId: plan.id,
          ownerName: `${base} Owner`,
          ownerEmail: `owner@${slug}.example`,
          settings: defaultTenantSettings,
          trialEndsAt: status === 'TRIALING' ? new Date(now + ((i % 10) + 1) * 86_400_000) : null,
          suspensionReason: status === 'SUSPENDED' ? 'Payment dispute' : null,
          deletedAt: status === 'DELETED' ? new Date(now - 86_400_000) : null,
          onboardedAt: onboardNewTrials && status === 'TRIALING' && i < 25 + ONBOARDING_DEMO_TENANTS ? null : createdAt,
          createdAt,
        },
      });
      if (!tenant.onboardedAt) {
        await enqueueJob(tx, 'tenantOnboard', { tenantId: tenant.id }, { jobKey: `tenant-onboard:${tenant.id}` });
      }
      if (i < 2) {
        const { key, prefix } = keys[i]!;
        await tx.tenantApiKey.create({ data: { tenantId: tenant.id, name: 'Demo key', prefix, secretHash: sha256(key) } });
        apiKeys.push({ tenant: tenant.slug, key });
      }
    }
  }, { timeout: 60_000 });
  return { email: DEMO_OWNER_EMAIL, password: DEMO_PASSWORD, apiKeys };
}

/** Seeds an empty database and prints the demo keys; on a seeded one, returns the demo login if it exists. */
export async function seedIfEmpty(app: App, options: SeedOptions = {}): Promise<{ email: string; password: string } | null> {
  if ((await app.prisma.adminUser.count()) > 0) {
    const owner = await app.prisma.adminUser.findUnique({ where: { email: DEMO_OWNER_EMAIL } });
    return owner ? { email: DEMO_OWNER_EMAIL, password: DEMO_PASSWORD } : null;
  }
  const result = await seedDemo(app, options);
  console.log('\n  Demo data seeded: 3 plans, 50 tenants, one admin per role (password for all: ' + DEMO_PASSWORD + ')');
  for (const { tenant, key } of result.apiKeys) console.log(`  Tenant API key for ${tenant}: ${key}`);
  return { email: result.email, password: result.password };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { resolveDatabaseUrl } = await import('../api/src/db/embedded.ts');
  const { migrateDatabase } = await import('../api/src/db/prepare.ts');
  const { createApp } = await import('../api/src/app.ts');
  const { env } = await import('../api/src/env.ts');
  const { logger } = await import('../api/src/lib/logger.ts');
  const database = await resolveDatabaseUrl(env);
  try {
    await migrateDatabase(database, logger, { production: env.isProduction });
    const app = createApp({ databaseUrl: database.databaseUrl });
    const demo = await seedIfEmpty(app);
    if (demo) console.log(`  Demo admin: ${demo.email} / ${demo.password}`);
    await app.close();
  } finally {
    await database.stop();
  }
}
