import { transaction, type SystemScope } from '../../scope.ts';

const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson', 'Linus Torvalds', 'Margaret Hamilton', 'Dennis Ritchie', 'Barbara Liskov'];
const ROLES = ['owner', 'admin', 'member', 'member', 'viewer'];
const ZONES = ['Europe/London', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo', 'America/Los_Angeles'];
const LOCALES = ['en-GB', 'en-US', 'fr-FR', 'ja-JP', 'en-US'];

/** A handful of users for each of the first ten demo tenants, one of them blocked. */
export async function seedUsers(scope: SystemScope): Promise<string[]> {
  const tenants = await scope.db.tenant.findMany({ where: { status: { not: 'DELETED' } }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 10, select: { id: true, slug: true } });
  const now = Date.now();
  let count = 0;
  await transaction(scope, async (tx) => {
    for (const [t, tenant] of tenants.entries()) {
      const data = PEOPLE.map((name, i) => {
        const handle = name.toLowerCase().replace(/[^a-z]+/g, '.');
        const blocked = t === 0 && i === PEOPLE.length - 1;
        return {
          tenantId: tenant.id,
          externalId: `usr_${t}${i}`,
          email: `${handle}@${tenant.slug}.example`,
          name,
          role: ROLES[i % ROLES.length]!,
          locale: LOCALES[i % LOCALES.length]!,
          timeZone: ZONES[i % ZONES.length]!,
          attributes: { plan: i % 2 ? 'pro' : 'free', seats: (i % 4) + 1, beta: i % 3 === 0 },
          lastSeenAt: new Date(now - (i * 7 + t) * 3_600_000),
          blockedAt: blocked ? new Date(now - 86_400_000) : null,
          blockedReason: blocked ? 'Demo: repeated payment disputes' : null,
        };
      });
      count += (await tx.db.user.createMany({ data, skipDuplicates: true })).count;
    }
  });
  return [`${count} users across ${tenants.length} tenants`];
}
