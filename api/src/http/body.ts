// Request bodies for GraphQL over HTTP: JSON only, bounded, read straight off the socket.
import type { IncomingMessage } from 'node:http';

/** A failure reading the body; `type` names it as body-parser did, so errors keep their codes. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'entity.too.large' | 'entity.parse.failed' | 'encoding.unsupported' | 'request.aborted',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Whether a content type is JSON (`application/json`, `application/graphql-response+json`, …). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  const mime = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/**
 * The parsed JSON body of a request, or undefined when it is not JSON (Apollo then answers with its own
 * 400 naming the content type). Over `limit` bytes is a 413, before reading when Content-Length says so;
 * only objects and arrays are accepted, as JSON request bodies in GraphQL are.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    return undefined;
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    req.resume();
    throw new BodyError(415, 'encoding.unsupported', `Unsupported content encoding "${encoding}"`);
  }
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    throw new BodyError(413, 'entity.too.large', 'request entity too large');
  }
  const text = await readText(req, limit);
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') {
    throw new BodyError(400, 'entity.parse.failed', 'The request body must be a JSON object');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(400, 'entity.parse.failed', `Malformed JSON in the request body: ${(err as Error).message}`);
  }
}

/**
 * The body as text. Past `limit` bytes the rest is drained unread, not the socket destroyed, so the 413
 * still reaches the client (a body without Content-Length is only found too large while it arrives).
 */
function readText(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error: BodyError | null) => {
      req.off('data', onData).off('end', onEnd).off('aborted', onAborted).off('error', onAborted);
      if (error) {
        req.resume();
        reject(error);
      } else resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) done(new BodyError(413, 'entity.too.large', 'request entity too large'));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onAborted = () => done(new BodyError(400, 'request.aborted', 'The request was aborted before its body arrived'));
    req.on('data', onData).on('end', onEnd).on('aborted', onAborted).on('error', onAborted);
  });
}
