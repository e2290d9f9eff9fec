// Writes (or with --check, verifies) the committed SDL of both graphs: api/schema/{admin,tenant}.graphql.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { adminSchema, printSubGraph, tenantSchema } from './schema.ts';

const dir = fileURLToPath(new URL('../../schema/', import.meta.url));
const check = process.argv.includes('--check');
const files = { 'admin.graphql': printSubGraph(adminSchema), 'tenant.graphql': printSubGraph(tenantSchema) };

await mkdir(dir, { recursive: true });
let stale = 0;
for (const [name, sdl] of Object.entries(files)) {
  const path = `${dir}${name}`;
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === sdl) continue;
  if (check) {
    console.error(`api/schema/${name} is stale: run \`pnpm schema:print\` and commit the result`);
    stale += 1;
  } else {
    await writeFile(path, sdl);
    console.log(`wrote api/schema/${name}`);
  }
}
process.exit(stale ? 1 : 0);
