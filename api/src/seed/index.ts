// Demo data for a development database: each module seeds its own (see `seed` in its manifest), in the
// module list's order. `pnpm db:seed` runs it (src/cli/seed.ts); `pnpm start` runs it on an empty
// development database. It never runs in production: the demo password is public.
import type { App } from '../app.ts';
import { env } from '../env.ts';
import { DEMO_OWNER_EMAIL, DEMO_PASSWORD } from '../modules/admins/seed.ts';
import { modules } from '../modules/index.ts';
import type { SeedOptions } from '../modules/manifest.ts';
import { systemScope } from '../scope.ts';

export { DEMO_OWNER_EMAIL, DEMO_PASSWORD };

export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError';
}

export function refuseProduction(isProduction: boolean): void {
  if (isProduction) {
    throw new SeedRefusedError(
      'Refusing to seed demo data with NODE_ENV=production: its admins share a public password. Create the first owner with `pnpm admin:create` instead.',
    );
  }
}

/** Seeds every module's demo data; returns the lines to show once (one-time API keys among them). */
export async function seedDemo(app: App, options: SeedOptions = {}, { isProduction = env.isProduction } = {}): Promise<string[]> {
  refuseProduction(isProduction);
  const scope = systemScope(app, 'seed');
  const lines: string[] = [];
  for (const module of modules) {
    const shown = await module.seed?.(scope, options);
    if (shown) lines.push(...shown);
  }
  return lines;
}

/** Seeds an empty database and prints what it made; on a seeded one, returns the demo login if it exists. */
export async function seedIfEmpty(app: App, options: SeedOptions = {}): Promise<{ email: string; password: string } | null> {
  refuseProduction(env.isProduction);
  if ((await app.prisma.adminUser.count()) > 0) {
    const owner = await app.prisma.adminUser.findUnique({ where: { email: DEMO_OWNER_EMAIL } });
    return owner ? { email: DEMO_OWNER_EMAIL, password: DEMO_PASSWORD } : null;
  }
  const lines = await seedDemo(app, options);
  console.log(`\n  Demo data seeded:\n${lines.map((l) => `  - ${l}`).join('\n')}`);
  return { email: DEMO_OWNER_EMAIL, password: DEMO_PASSWORD };
}
