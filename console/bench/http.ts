// One GET with its time to first byte, and the percentiles the report uses.
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

export interface TimedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** From just before the request is created to the first chunk of the body (so headers included). */
  ttfbMs: number;
  /** The decoded body. */
  body: string;
}

/** A fresh connection per request (`agent: false`), so sequential and concurrent runs pay the same setup. */
export function timedGet(url: string, headers: Record<string, string> = {}): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method: 'GET', agent: false, headers }, (res) => {
      let ttfbMs: number | null = null;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        ttfbMs ??= performance.now() - start;
        chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          // An empty body (a redirect) has no first body byte: count its headers instead.
          ttfbMs: ttfbMs ?? performance.now() - start,
          body: (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
        });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

/** Nearest-rank percentile of already sorted values, rounded to 0.01 ms. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 100) / 100;
}

export function summarize(values: number[]): { p50_ms: number; p95_ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95) };
}
