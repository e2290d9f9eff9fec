// pnpm build: the API and the job worker as plain JavaScript for production (`node dist/main.js`,
// `node dist/worker.js`), so nothing compiles TypeScript at run time. Our own code and the workspace's
// @opsgraph packages are bundled, one file per entry point; every npm package stays an import of
// node_modules, loaded as published. Each file is replaced atomically, so a process starting while another
// build runs never reads half a file.
import { build, type Plugin } from 'esbuild';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'dist');

const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@opsgraph/') ? undefined : { path: args.path, external: true }));
  },
};

const result = await build({
  entryPoints: { main: path.join(here, 'src/main.ts'), worker: path.join(here, 'src/worker/main.ts') },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: 'linked',
  plugins: [npmPackagesExternal],
  logLevel: 'warning',
  write: false,
});
await mkdir(outdir, { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
}
const scripts = result.outputFiles.filter((f) => f.path.endsWith('.js'));
console.log(`built ${scripts.map((f) => `${path.relative(process.cwd(), f.path)} (${Math.round(f.contents.length / 1024)} kB)`).join(', ')}`);
