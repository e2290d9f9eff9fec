import { newApiKey, sha256 } from '../../lib/tokens.ts';
import { transaction, type SystemScope } from '../../scope.ts';
import type { SeedOptions } from '../manifest.ts';
import { activePlans } from '../plans/service.ts';
import { defaultTenantSettings } from './settings.ts';

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

/** How many of the newest trials start un-onboarded, so the first start shows real onboarding jobs. */
const ONBOARDING_DEMO_TENANTS = 5;

/** 50 demo tenants on the demo plans in mixed states, and an API key for each of the first two. */
export async function seedTenants(scope: SystemScope, { onboardNewTrials = false }: SeedOptions): Promise<string[]> {
  const plans = await activePlans(scope);
  if (plans.length === 0) throw new Error('seed the plans before the tenants');
  const now = Date.now();
  const lines: string[] = [];
  await transaction(scope, async (tx) => {
    for (let i = 0; i < 50; i += 1) {
      const status = statusFor(i);
      const base = NAMES[i]!;
      const name = `${base} ${SUFFIXES[i % SUFFIXES.length]}`;
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const createdAt = new Date(now - ((i * 37) % 60) * 86_400_000 - i * 3_600_000);
      const tenant = await tx.db.tenant.create({
        data: {
          name, slug, status, planId: plans[i % plans.length]!.id,
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
      if (!tenant.onboardedAt) await tx.enqueue('tenantOnboard', { tenantId: tenant.id }, { jobKey: `tenant-onboard:${tenant.id}` });
      if (i < 2) {
        const { key, prefix } = newApiKey();
        await tx.db.tenantApiKey.create({ data: { tenantId: tenant.id, name: 'Demo key', prefix, secretHash: sha256(key) } });
        lines.push(`Tenant API key for ${tenant.slug}: ${key}`);
      }
    }
  }, { timeoutMs: 60_000 });
  return ['50 tenants in mixed states', ...lines];
}
