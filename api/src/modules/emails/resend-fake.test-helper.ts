// A small stand-in for Resend's API (POST /emails) that the real SDK talks to in tests: it records every
// request and answers from a script per recipient (e.g. 500, 429, then 200), deduplicating on Idempotency-Key.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  to: string;
  idempotencyKey: string | null;
  authorization: string | null;
  body: Record<string, unknown>;
}

export interface ResendFake {
  url: string;
  requests: FakeRequest[];
  /** Statuses to answer for `to`, in order; after them, 200. */
  script(to: string, statuses: number[]): void;
  close(): Promise<void>;
}

const ERROR_NAMES: Record<number, string> = { 422: 'validation_error', 429: 'rate_limit_exceeded', 500: 'internal_server_error', 503: 'application_error' };

export async function startResendFake(): Promise<ResendFake> {
  const requests: FakeRequest[] = [];
  const scripts = new Map<string, number[]>();
  const sentByKey = new Map<string, string>();
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const to = Array.isArray(body.to) ? String(body.to[0]) : String(body.to);
      const idempotencyKey = (req.headers['idempotency-key'] as string | undefined) ?? null;
      requests.push({ to, idempotencyKey, authorization: req.headers.authorization ?? null, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || req.url !== '/emails') return reply(404, { statusCode: 404, name: 'not_found', message: 'Not found' });
      const status = scripts.get(to)?.shift() ?? 200;
      if (status !== 200) {
        const message = status === 422 ? 'The `to` field must be a valid email address.' : `Failure ${status}`;
        return reply(status, { statusCode: status, name: ERROR_NAMES[status] ?? 'application_error', message });
      }
      const known = idempotencyKey ? sentByKey.get(idempotencyKey) : undefined;
      const id = known ?? `re_fake_${(counter += 1)}`;
      if (idempotencyKey) sentByKey.set(idempotencyKey, id);
      reply(200, { id });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (to, statuses) => scripts.set(to, [...statuses]),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
