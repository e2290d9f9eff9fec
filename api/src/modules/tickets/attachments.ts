// Attachments: uploaded to a ticket first (no comment yet), then linked by the comment that names them.
// The content type is sniffed from the bytes, never taken from the name or the upload's header, and only
// types on the allow-list are kept.
import { createHash, randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { z } from 'zod';
import { env } from '../../env.ts';
import type { TicketAttachment } from '../../generated/prisma/client.ts';
import type { TicketActorType } from '../../generated/prisma/enums.ts';
import { DomainError, InputError, parseInput } from '../../lib/errors.ts';
import { id, text } from '../../lib/strings.ts';
import { transaction, type AdminScope, type SystemScope, type TenantScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { ticketSettings } from './assignment.ts';
import { attachmentStorage, DEFAULT_STORAGE } from './storage.ts';

/**
 * What may be attached: documents, images, archives, audio and video. Executables, scripts and anything
 * unrecognised are refused. Text is recognised as valid UTF-8 without NUL bytes.
 */
export const ALLOWED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'text/plain',
  'application/pdf',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/heic', 'image/bmp', 'image/tiff',
  'application/zip', 'application/gzip', 'application/x-7z-compressed', 'application/x-tar',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet', 'application/vnd.oasis.opendocument.presentation',
  'audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/mp4',
  'video/mp4', 'video/webm', 'video/quicktime',
]);

/** The bytes are of a type that may not be attached. */
export class UnsupportedAttachmentTypeError extends DomainError {
  override name = 'UnsupportedAttachmentTypeError';
  constructor(readonly detected: string | null) {
    super(detected ? `Attachments of type ${detected} are not accepted` : 'Attachments must be a recognised document, image, archive or media file, or UTF-8 text');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The content type the bytes are, or UnsupportedAttachmentTypeError. */
export async function sniffContentType(bytes: Buffer): Promise<string> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    if (!ALLOWED_CONTENT_TYPES.has(detected.mime)) throw new UnsupportedAttachmentTypeError(detected.mime);
    return detected.mime;
  }
  if (isText(bytes)) return 'text/plain';
  throw new UnsupportedAttachmentTypeError(null);
}

/** The name without folders or control characters, as a download will offer it. */
const filenameSchema = z
  .string()
  .transform((value) => value.slice(Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\')) + 1).replace(/[\u0000-\u001f\u007f]/g, ''))
  .pipe(text({ min: 1, max: 255 }));

const uploadInput = z.object({ ticketId: id, filename: filenameSchema });

export type Uploader = AdminScope | TenantScope;

export interface UploadTarget {
  ticketId: string;
  tenantId: string;
  filename: string;
}

/**
 * The ticket an upload goes to, read with the caller's own client (a tenant key finds only its tenant's
 * tickets), and the name it is kept under; null when the caller cannot see the ticket.
 */
export async function uploadTarget(caller: Uploader, input: { ticketId: string; filename: string | null }): Promise<UploadTarget | null> {
  const { ticketId, filename } = parseInput(uploadInput, input, []);
  const ticket = await caller.db.ticket.findUnique({ where: { id: ticketId }, select: { id: true, tenantId: true } });
  return ticket ? { ticketId: ticket.id, tenantId: ticket.tenantId, filename } : null;
}

/** Largest upload accepted now (TicketSettings), read by the platform: tenant keys cannot read settings. */
export async function attachmentMaxBytes(scope: SystemScope): Promise<number> {
  return (await ticketSettings(scope.db)).attachmentMaxBytes;
}

/** Stores an upload's bytes and its row, not yet on a comment. */
export async function storeAttachment(scope: SystemScope, caller: Uploader, target: UploadTarget, bytes: Buffer): Promise<TicketAttachment> {
  if (!bytes.length) throw InputError.field('body', 'the file is empty');
  const contentType = await sniffContentType(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const uploadedBy: { uploadedByType: TicketActorType; uploadedById: string | null } =
    caller.principal.kind === 'admin' ? { uploadedByType: 'ADMIN', uploadedById: caller.principal.userId } : { uploadedByType: 'REQUESTER', uploadedById: null };
  const attachmentId = randomUUID();
  return transaction(scope, async (tx) => {
    const storage = attachmentStorage(DEFAULT_STORAGE, tx.db);
    await storage.put(attachmentId, bytes);
    return tx.db.ticketAttachment.create({
      data: {
        id: attachmentId, tenantId: target.tenantId, ticketId: target.ticketId, filename: target.filename, contentType, size: bytes.length, sha256,
        storage: storage.name, storageKey: attachmentId, ...uploadedBy,
      },
    });
  });
}

/**
 * An attachment and its bytes for a download: any for an admin; for a tenant key, only those on public
 * comments of its own tickets (its scoped client never sees internal notes or other tenants' rows).
 */
export async function attachmentForDownload(scope: SystemScope, caller: Uploader, attachmentId: string): Promise<{ attachment: TicketAttachment; bytes: Buffer } | null> {
  if (!id.safeParse(attachmentId).success) return null;
  const attachment =
    caller.principal.kind === 'admin'
      ? await caller.db.ticketAttachment.findUnique({ where: { id: attachmentId } })
      : await (caller as TenantScope).db.ticketAttachment.findFirst({ where: { id: attachmentId, commentId: { not: null }, comment: { internal: false } } });
  if (!attachment) return null;
  const bytes = await attachmentStorage(attachment.storage, scope.db).get(attachment.storageKey);
  return bytes ? { attachment, bytes } : null;
}

/** Where an attachment is downloaded (an admin session or the owning tenant's key). */
export function downloadUrl(attachmentId: string): string {
  return `${env.PUBLIC_URL?.replace(/\/$/, '') ?? ''}/tickets/attachments/${attachmentId}`;
}

// ─── cleanup ─────────────────────────────────────────────────────────────────

/** Uploads no comment linked within this long are removed. */
export const UNLINKED_TTL_MS = 24 * 60 * 60 * 1000;
const PRUNE_BATCH = 200;
const PRUNE_ROUNDS = 50;

/** Removes uploads never linked to a comment, older than `olderThan`; returns how many. */
export async function pruneUnlinkedAttachments(scope: SystemScope, olderThan = new Date(Date.now() - UNLINKED_TTL_MS)): Promise<number> {
  let removed = 0;
  for (let round = 0; round < PRUNE_ROUNDS; round += 1) {
    const count = await transaction(scope, async (tx) => {
      // Rows first, then the bytes of exactly those: a comment claiming one meanwhile keeps it whole.
      const gone = await tx.db.$queryRaw<{ storage: string; storageKey: string }[]>`
        DELETE FROM "TicketAttachment" WHERE id IN (
          SELECT id FROM "TicketAttachment" WHERE "commentId" IS NULL AND "createdAt" < ${olderThan}
          LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED
        ) AND "commentId" IS NULL
        RETURNING storage, "storageKey"`;
      for (const attachment of gone) await attachmentStorage(attachment.storage, tx.db).delete(attachment.storageKey);
      return gone.length;
    });
    removed += count;
    if (count < PRUNE_BATCH) break;
  }
  return removed;
}

const prunePayload = z.object({});

declare global {
  namespace GraphileWorker {
    interface Tasks {
      ticketsAttachmentsPrune: z.input<typeof prunePayload>;
    }
  }
}

export const ticketsAttachmentsPrune = defineTask('ticketsAttachmentsPrune', prunePayload, async (_payload, { scope, logger }) => {
  const removed = await pruneUnlinkedAttachments(scope);
  if (removed) logger.info({ removed }, 'unlinked attachments removed');
});

export const attachmentsCrontab = '17 * * * * ticketsAttachmentsPrune ?max=1';
