// pnpm build: the API and the job worker as plain JavaScript for production (`node dist/main.js`,
// `node dist/worker.js`), so nothing compiles TypeScript at run time. Our own code and the workspace's
// @opsgraph packages are bundled, one file per entry point; every npm package stays an import of
// node_modules, loaded as published. Each file is replaced atomically, so a process starting while another
// build runs never reads half a file.
import { build, type Plugin } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * Prisma's generated client embeds its query compiler as a 4.4 MB base64 string in a module, which V8 keeps
 * twice for the life of the process (the module's source text and the string). The build writes the
 * WebAssembly beside the bundle instead and has the client read it from there.
 */
const COMPILER = '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs';
const EMBEDDED_LOAD = `const { wasm } = await import("${COMPILER}")\n    return await decodeBase64AsWasm(wasm)`;
const FILE_LOAD = `const { readFile } = await import("node:fs/promises")\n    return new WebAssembly.Module(await readFile(new URL("./query-compiler.wasm", import.meta.url)))`;
const compilerFromFile: Plugin = {
  name: 'prisma-query-compiler-from-file',
  setup(b) {
    b.onLoad({ filter: /generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(EMBEDDED_LOAD)) {
        throw new Error(`${args.path} no longer loads its query compiler as build.ts expects: update compilerFromFile`);
      }
      return { contents: source.replace(EMBEDDED_LOAD, FILE_LOAD), loader: 'ts' };
    });
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
  plugins: [compilerFromFile, npmPackagesExternal],
  logLevel: 'warning',
  write: false,
});
await mkdir(outdir, { recursive: true });
const { wasm } = (await import(COMPILER)) as { wasm: string };
const files = [...result.outputFiles, { path: path.join(outdir, 'query-compiler.wasm'), contents: Buffer.from(wasm, 'base64') }];
for (const file of files) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
}
const scripts = files.filter((f) => !f.path.endsWith('.map'));
console.log(`built ${scripts.map((f) => `${path.relative(process.cwd(), f.path)} (${Math.round(f.contents.length / 1024)} kB)`).join(', ')}`);
