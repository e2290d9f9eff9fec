// Attachment upload and download over plain HTTP (raw bytes, not GraphQL), for an admin session or a
// tenant key:
//   POST /tickets/<ticketId>/attachments?filename=<name>   body: the file → 201 { id, filename, contentType, size }
//   GET  /tickets/attachments/<id>                         → the file, as a download
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../lib/errors.ts';
import { roleCan } from '../../permissions.ts';
import type { HttpRoute, RouteContext } from '../manifest.ts';
import { attachmentForDownload, attachmentMaxBytes, storeAttachment, UnsupportedAttachmentTypeError, uploadTarget, type Uploader } from './attachments.ts';

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function failure(res: ServerResponse, req: IncomingMessage, status: number, code: string, message: string, requestId: string, extra: Record<string, unknown> = {}): void {
  // Whatever of the body is left is read and dropped, so the answer reaches a client still sending.
  req.resume();
  reply(res, status, { errors: [{ message, extensions: { code, requestId, ...extra } }] });
}

/** The caller, when it may use attachments: an admin with `permission`, or a tenant key. */
async function caller(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, permission: 'READ' | 'TICKETS_WRITE'): Promise<Uploader | null> {
  const scope = await ctx.authenticate();
  if (scope.principal.kind === 'anonymous') {
    failure(res, req, 401, 'UNAUTHENTICATED', 'An admin session or a tenant API key is required', ctx.requestId);
    return null;
  }
  if (scope.principal.kind === 'admin' && !roleCan(scope.principal.role, permission)) {
    failure(res, req, 403, 'FORBIDDEN', 'Not allowed', ctx.requestId);
    return null;
  }
  return scope as Uploader;
}

class TooLarge extends Error {}

/**
 * The body, refused past `limit` bytes: at once when Content-Length says so, else once the bytes cross
 * it. Past the limit nothing more is kept (memory stays bounded by it); the rest is read and dropped
 * rather than the socket cut, so the client still gets the 413.
 */
async function readBounded(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else chunks.length = 0;
  }
  if (size > limit) throw new TooLarge();
  return Buffer.concat(chunks, size);
}

async function upload(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const who = await caller(req, res, ctx, 'TICKETS_WRITE');
  if (!who) return;
  const filenames = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('filename');
  try {
    if (filenames.length > 1) throw InputError.field('filename', 'give one filename');
    const target = await uploadTarget(who, { ticketId: ctx.params[0]!, filename: filenames[0] ?? '' });
    if (!target) return failure(res, req, 404, 'NOT_FOUND', `Ticket ${ctx.params[0]} not found`, ctx.requestId);
    const limit = await attachmentMaxBytes(ctx.scope);
    let bytes: Buffer;
    try {
      bytes = await readBounded(req, limit);
    } catch (err) {
      if (err instanceof TooLarge) return failure(res, req, 413, 'PAYLOAD_TOO_LARGE', `Attachments are at most ${limit} bytes`, ctx.requestId, { limit });
      throw err;
    }
    const attachment = await storeAttachment(ctx.scope, who, target, bytes);
    reply(res, 201, { id: attachment.id, filename: attachment.filename, contentType: attachment.contentType, size: attachment.size });
  } catch (err) {
    if (err instanceof InputError) return failure(res, req, 400, 'BAD_USER_INPUT', err.message, ctx.requestId, { fieldErrors: err.issues });
    if (err instanceof UnsupportedAttachmentTypeError) {
      return failure(res, req, 415, 'UNSUPPORTED_MEDIA_TYPE', err.message, ctx.requestId, { detected: err.detected });
    }
    throw err;
  }
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

async function download(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const who = await caller(req, res, ctx, 'READ');
  if (!who) return;
  const found = await attachmentForDownload(ctx.scope, who, ctx.params[0]!);
  // The same answer for a missing attachment and one the caller may not see.
  if (!found) return failure(res, req, 404, 'NOT_FOUND', `Attachment ${ctx.params[0]} not found`, ctx.requestId);
  const { attachment, bytes } = found;
  res.writeHead(200, {
    'content-type': attachment.contentType,
    'content-length': bytes.length,
    'content-disposition': contentDisposition(attachment.filename),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, no-store',
    etag: `"${attachment.sha256}"`,
  });
  res.end(bytes);
}

export const attachmentRoutes: HttpRoute[] = [
  { method: 'POST', path: /^\/tickets\/([^/]+)\/attachments$/, handle: upload },
  { method: 'GET', path: /^\/tickets\/attachments\/([^/]+)$/, handle: download },
];
