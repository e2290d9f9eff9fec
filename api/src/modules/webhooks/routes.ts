// POST /webhooks/<provider>: verify the signature on the raw body, store the event with its job, then 2xx.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute, RouteContext } from '../manifest.ts';
import { countRejection, storeEvent } from './ingest.ts';
import { signingSecret } from './secrets.ts';
import { keptHeaders, verifyResend, verifyStripe, WebhookRejected, type Provider } from './verify.ts';

const PROVIDERS: Record<string, Provider> = { stripe: 'STRIPE', resend: 'RESEND' };

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const error = (code: string, message: string, requestId: string, extra: Record<string, unknown> = {}) => ({
  errors: [{ message, extensions: { code, requestId, ...extra } }],
});

class TooLarge extends Error {}

/** The raw body, refused past `limit` bytes (a declared length at once; otherwise drained, not cut). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new TooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) over = true;
    if (!over) chunks.push(chunk);
  }
  if (over) throw new TooLarge();
  return Buffer.concat(chunks, size);
}

async function handle(req: IncomingMessage, res: ServerResponse, { scope, params, requestId, env }: RouteContext): Promise<void> {
  const provider = PROVIDERS[params[0]!.toLowerCase()];
  if (!provider) {
    req.resume();
    return reply(res, 404, error('NOT_FOUND', `No webhook provider "${params[0]}"; providers are ${Object.keys(PROVIDERS).join(', ')}`, requestId));
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, env.WEBHOOK_MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof TooLarge) return reply(res, 413, error('PAYLOAD_TOO_LARGE', `Body larger than ${env.WEBHOOK_MAX_BODY_BYTES} bytes`, requestId));
    throw err;
  }
  const secret = await signingSecret(scope, provider);
  if (!secret.value) {
    return reply(res, 503, error('WEBHOOK_NOT_CONFIGURED', `No signing secret is configured for ${provider}`, requestId, { provider }));
  }
  let verified;
  try {
    const verify = provider === 'STRIPE' ? verifyStripe : verifyResend;
    verified = verify(raw, req.headers, secret.value, env.WEBHOOK_TOLERANCE_SECONDS);
  } catch (err) {
    if (!(err instanceof WebhookRejected)) throw err;
    await countRejection(scope, provider, err.reason);
    return reply(res, 400, error('WEBHOOK_REJECTED', err.message, requestId, { reason: err.reason }));
  }
  const stored = await storeEvent(scope, { ...verified, provider, headers: keptHeaders(req.headers), receivedAt: new Date() });
  reply(res, 200, { received: true, duplicate: !stored.created });
}

export const webhookRoutes: HttpRoute[] = [{ method: 'POST', path: /^\/webhooks\/([^/]+)$/, handle }];
