import { hashPassword } from '../../lib/password.ts';
import { ADMIN_ROLES } from '../../permissions.ts';
import type { SystemScope } from '../../scope.ts';

export const DEMO_PASSWORD = 'opsgraph-demo-password';
export const DEMO_OWNER_EMAIL = 'owner@opsgraph.dev';

/** One demo admin per role, all with the demo password. */
export async function seedAdmins(scope: SystemScope): Promise<string[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await scope.db.adminUser.createMany({
    data: ADMIN_ROLES.map((role) => ({ email: `${role.toLowerCase()}@opsgraph.dev`, name: `Demo ${role.toLowerCase()}`, role, passwordHash })),
  });
  return [`One admin per role, e.g. ${DEMO_OWNER_EMAIL} (password for all: ${DEMO_PASSWORD})`];
}
