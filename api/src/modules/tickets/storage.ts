// Where attachment bytes live. A row of TicketAttachment names its backend (`storage`) and the object's key
// in it (`storageKey`), so another backend (an S3-compatible store) can be added beside this one without
// a schema change, and rows stored by each keep working.
import type { Prisma } from '../../db/client.ts';

export interface AttachmentStorage {
  /** The backend's name, as stored in TicketAttachment.storage. */
  readonly name: string;
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when the key holds nothing. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

type BlobDb = Pick<Prisma.TransactionClient, 'ticketAttachmentBlob'>;

/**
 * Bytes in Postgres (TicketAttachmentBlob). Given a transaction's client, a put or delete commits or rolls
 * back with the attachment row it belongs to.
 */
export function postgresStorage(db: BlobDb): AttachmentStorage {
  return {
    name: 'postgres',
    async put(key, bytes) {
      await db.ticketAttachmentBlob.create({ data: { key, data: new Uint8Array(bytes) } });
    },
    async get(key) {
      const blob = await db.ticketAttachmentBlob.findUnique({ where: { key } });
      return blob ? Buffer.from(blob.data) : null;
    },
    async delete(key) {
      await db.ticketAttachmentBlob.deleteMany({ where: { key } });
    },
  };
}

const backends: Record<string, (db: BlobDb) => AttachmentStorage> = { postgres: postgresStorage };

/** The backend new attachments go to. */
export const DEFAULT_STORAGE = 'postgres';

/** The backend a stored attachment names; unknown names are a configuration error. */
export function attachmentStorage(name: string, db: BlobDb): AttachmentStorage {
  const backend = backends[name];
  if (!backend) throw new Error(`No attachment storage backend "${name}"`);
  return backend(db);
}
