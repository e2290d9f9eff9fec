import { z } from 'zod';
import { Prisma } from '../../db/client.ts';
import type { AuditEvent } from '../../generated/prisma/client.ts';
import { keysetPage, keysetQuery, type KeysetArgs, type KeysetPage } from '../../lib/cursor.ts';
import { parseInput } from '../../lib/errors.ts';
import { transaction, type AuditActor, type PlatformScope, type TransactionScope, type WritableScope } from '../../scope.ts';
import { diffRecords, toJson } from './diff.ts';

/** One audit entry: `<target>.<verb>` on a record, with snapshots before and after. */
export interface AuditEntry {
  /** Dotted verb, `<target>.<verb>`: `tenant.suspend`. */
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** A transaction that records what it changes. */
export interface AuditedTransaction<S extends WritableScope> extends TransactionScope<S> {
  /** Records one entry, in the same transaction, with the scope's actor. */
  audit(entry: AuditEntry): Promise<void>;
  /** The change turned out to change nothing: returns `value`, and the transaction records no entry. */
  unchanged<T>(value: T): T;
}

type AuditWriter = Pick<Prisma.TransactionClient, 'auditEvent'>;

async function writeAudit(db: AuditWriter, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const before = entry.before === undefined ? null : toJson(entry.before);
  const after = entry.after === undefined ? null : toJson(entry.after);
  await db.auditEvent.create({
    data: {
      ...actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      tenantId: entry.tenantId ?? null,
      before: before ?? Prisma.DbNull,
      after: after ?? Prisma.DbNull,
      diff: diffRecords(before, after) as unknown as Prisma.InputJsonObject,
    },
  });
}

/**
 * Runs a change and its audit entries in one transaction (see `transaction` in scope.ts). The work must
 * record at least one entry or say that nothing changed: a mutation cannot forget its audit, a failed
 * one rolls back both, and one that changes nothing writes nothing.
 */
export async function runAudited<S extends WritableScope, T>(
  scope: S,
  work: (tx: AuditedTransaction<S>) => Promise<T>,
): Promise<T> {
  return transaction(scope, async (tx) => {
    let recorded = 0;
    let unchanged = false;
    const result = await work({
      ...tx,
      audit: async (entry) => {
        recorded += 1;
        // A tenant scope's client forces the entry onto its own tenant (AuditEvent is append-only for it).
        await writeAudit(tx.db as unknown as AuditWriter, scope.actor, entry);
      },
      unchanged: (value) => {
        unchanged = true;
        return value;
      },
    });
    if (recorded === 0 && !unchanged) throw new Error('runAudited: the change recorded no audit entry');
    return result;
  });
}

export const auditFilterSchema = z.object({
  actorId: z.uuid().optional(),
  action: z.string().min(1).max(100).optional(),
  tenantId: z.uuid().optional(),
  targetType: z.string().min(1).max(100).optional(),
  targetId: z.string().min(1).max(200).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
}).refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'must not be after `to`', path: ['from'] });

export type AuditFilter = z.input<typeof auditFilterSchema>;

export function auditWhere(filter: AuditFilter = {}): Prisma.AuditEventWhereInput {
  const f = parseInput(auditFilterSchema, filter, ['filter']);
  return {
    actorId: f.actorId,
    // `tenant.` matches every tenant action; a full name matches exactly.
    action: f.action ? (f.action.endsWith('.') ? { startsWith: f.action } : f.action) : undefined,
    tenantId: f.tenantId,
    targetType: f.targetType,
    targetId: f.targetId,
    occurredAt: f.from || f.to ? { gte: f.from, lte: f.to } : undefined,
  };
}

const pageSize = z.number().int().min(1, 'at least 1').max(200, 'at most 200');
const pageSizeSchema = z.object({ first: pageSize.nullish(), last: pageSize.nullish() });

/** Newest first, keyset-paginated on (occurredAt, id), forward (`first`/`after`) or back (`last`/`before`). */
export async function listAuditEvents(
  scope: PlatformScope,
  args: { filter?: AuditFilter } & KeysetArgs,
): Promise<KeysetPage<AuditEvent>> {
  const { first, last } = parseInput(pageSizeSchema, { first: args.first, last: args.last }, []);
  const size = last ?? first ?? 50;
  const where = auditWhere(args.filter);
  const page = keysetQuery('occurredAt', args, size);
  const rows = await scope.db.auditEvent.findMany({
    where: page.where ? { AND: [where, page.where] } : where,
    orderBy: page.orderBy,
    take: page.take,
  });
  return keysetPage(rows, size, (e) => e.occurredAt, args);
}

export function countAuditEvents(scope: PlatformScope, filter?: AuditFilter): Promise<number> {
  return scope.db.auditEvent.count({ where: auditWhere(filter) });
}
