import { z } from 'zod';
import { Prisma, type PrismaClient } from '../../db/client.ts';
import type { ActorType, AdminRole } from '../../generated/prisma/enums.ts';
import type { AuditEvent } from '../../generated/prisma/client.ts';
import { keysetPage, keysetQuery, type KeysetArgs, type KeysetPage } from '../../lib/cursor.ts';
import { parseInput } from '../../lib/errors.ts';
import { diffRecords, toJson } from './diff.ts';

export type Tx = Prisma.TransactionClient;

/** Who did it, from where: copied onto every audit entry. */
export interface AuditActor {
  actorType: ActorType;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: AdminRole | null;
  impersonatorId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const systemActor: AuditActor = {
  actorType: 'SYSTEM',
  actorId: null,
  actorEmail: null,
  actorRole: null,
  impersonatorId: null,
  requestId: null,
  ip: null,
  userAgent: null,
};

export interface AuditEntry {
  /** Dotted verb, `<target>.<verb>`: `tenant.suspend`. */
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const before = entry.before === undefined ? null : toJson(entry.before);
  const after = entry.after === undefined ? null : toJson(entry.after);
  await tx.auditEvent.create({
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
 * Runs an admin change and its audit entries in one transaction. The work must record at least one
 * entry: a mutation cannot forget its audit, and a failed one rolls back both.
 */
export async function runAudited<T>(
  prisma: PrismaClient,
  actor: AuditActor,
  work: (tx: Tx, audit: (entry: AuditEntry) => Promise<void>) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    let recorded = 0;
    const result = await work(tx, async (entry) => {
      recorded += 1;
      await recordAudit(tx, actor, entry);
    });
    if (recorded === 0) throw new Error('runAudited: the change recorded no audit entry');
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
  prisma: PrismaClient,
  args: { filter?: AuditFilter } & KeysetArgs,
): Promise<KeysetPage<AuditEvent>> {
  const { first, last } = parseInput(pageSizeSchema, { first: args.first, last: args.last }, []);
  const size = last ?? first ?? 50;
  const where = auditWhere(args.filter);
  const page = keysetQuery('occurredAt', args, size);
  const rows = await prisma.auditEvent.findMany({
    where: page.where ? { AND: [where, page.where] } : where,
    orderBy: page.orderBy,
    take: page.take,
  });
  return keysetPage(rows, size, (e) => e.occurredAt, args);
}

export function countAuditEvents(prisma: PrismaClient, filter?: AuditFilter): Promise<number> {
  return prisma.auditEvent.count({ where: auditWhere(filter) });
}
