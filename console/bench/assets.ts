// The JavaScript a page makes the browser download, from the page's HTML, cross-checked with the build's manifest.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Script URLs in server-rendered HTML: module preloads, module script sources and the imports inline modules make. */
export function scriptUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (!/\brel="modulepreload"/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href) urls.add(href);
  }
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (!/\btype="module"/.test(attrs!)) continue;
    const src = /\bsrc="([^"]+)"/.exec(attrs!)?.[1];
    if (src) urls.add(src);
    // Static `import ... from "x"` / `import "x"` and the dynamic `import("x")` Remix uses for the entry.
    for (const [, url] of body!.matchAll(/\bimport\s*(?:[^"'()]*?\bfrom\s*)?\(?\s*["']([^"']+\.js)["']/g)) urls.add(url!);
  }
  return [...urls].sort();
}

interface RemixManifestEntry {
  module: string;
  imports?: string[];
}
interface RemixBrowserManifest {
  entry: RemixManifestEntry;
  routes: Record<string, RemixManifestEntry>;
}

/**
 * Remix's browser manifest (`assets/manifest-<hash>.js`, built from Vite's client manifest, whose own
 * `.vite/manifest.json` Remix deletes after the build): each module lists its static imports transitively.
 */
export async function readRemixManifest(clientDir: string): Promise<RemixBrowserManifest> {
  const files = (await readdir(path.join(clientDir, 'assets'))).filter((f) => /^manifest-[\w-]+\.js$/.test(f));
  if (files.length !== 1) throw new Error(`Expected one Remix manifest in ${clientDir}/assets, found ${files.length}`);
  const text = await readFile(path.join(clientDir, 'assets', files[0]!), 'utf8');
  const json = /^window\.__remixManifest=(.*);\s*$/s.exec(text)?.[1];
  if (!json) throw new Error(`Unexpected Remix manifest format in ${files[0]}`);
  return JSON.parse(json) as RemixBrowserManifest;
}

/** The entry client plus the given routes, each with its static imports (not dynamic ones). */
export function manifestModules(manifest: RemixBrowserManifest, routeIds: string[]): string[] {
  const urls = new Set<string>([manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (const id of routeIds) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`Route ${id} is not in the build's manifest`);
    urls.add(route.module);
    for (const url of route.imports ?? []) urls.add(url);
  }
  return [...urls].sort();
}

export interface PageJs {
  files: string[];
  gzipBytes: number;
  rawBytes: number;
}

/**
 * Downloads every script the page's HTML references from the console (as the browser would, uncompressed) and
 * sums their sizes gzipped one by one at level 6, the `compression` middleware's default.
 */
export async function pageJs(baseUrl: string, html: string, expectedModules: string[]): Promise<PageJs> {
  const files = scriptUrls(html);
  // Without lazy route discovery Remix imports its manifest file too: downloaded, so counted, but not a module.
  const isRemixManifest = (url: string) => /\/manifest-[\w-]+\.js$/.test(url);
  const missing = expectedModules.filter((url) => !files.includes(url));
  const extra = files.filter((url) => !expectedModules.includes(url) && !isRemixManifest(url));
  if (missing.length || extra.length) {
    throw new Error(`The page's scripts and the build manifest disagree: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  }
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const res = await fetch(new URL(file, baseUrl), { headers: { 'accept-encoding': 'identity' } });
    if (res.status !== 200) throw new Error(`GET ${file} answered ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 6 }).length;
  }
  return { files, gzipBytes, rawBytes };
}
