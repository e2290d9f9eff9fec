import { auditTargetOf } from '../../audit-actions.ts';
import { Prisma } from '../../db/client.ts';
import { transaction, type AuditActor, type TransactionScope, type WritableScope } from '../../scope.ts';
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
  const declared = auditTargetOf(entry.action);
  if (declared !== entry.targetType) {
    throw new Error(`Audit action ${entry.action} on ${entry.targetType} is not declared in its module's manifest (auditActions)`);
  }
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
