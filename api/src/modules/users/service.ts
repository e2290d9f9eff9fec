import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { EmailStatus } from '../../generated/prisma/enums.ts';
import type { AuditEvent, User } from '../../generated/prisma/client.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';
import { email, text } from '../../lib/strings.ts';
import { transaction, type PlatformScope, type TenantScope } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';

export const USER_CHANGE_KINDS = ['blocked', 'unblocked', 'upserted'] as const;
export type UserChangeKind = (typeof USER_CHANGE_KINDS)[number];
export interface UserChanged {
  tenantId: string;
  userId: string;
  kind: UserChangeKind;
}

// ─── input ───────────────────────────────────────────────────────────────────

export const MAX_UPSERT_BATCH = 500;
export const MAX_ATTRIBUTES = 50;
export const MAX_ATTRIBUTES_BYTES = 8192;

const ATTRIBUTE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** A BCP 47 language tag, stored in its canonical form (`en-us` becomes `en-US`). */
const locale = text({ min: 1, max: 35 }).transform((tag, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) return canonical;
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: 'not a valid BCP 47 language tag, e.g. en-US' });
  return z.NEVER;
});

/** An IANA time zone the runtime knows (`Europe/Paris`, `UTC`); offsets like `+02:00` are not zones. */
const timeZone = text({ min: 1, max: 64 }).transform((zone, ctx) => {
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      // fall through to the issue below
    }
  }
  ctx.addIssue({ code: 'custom', message: 'not an IANA time zone, e.g. Europe/Paris' });
  return z.NEVER;
});

const attributeValue = z.union(
  [
    text({ max: 1000 }),
    z.number().refine(Number.isFinite, 'a finite number'),
    z.boolean(),
    z.array(text({ max: 200 })).max(100, 'at most 100 values'),
  ],
  'a string, number, boolean or list of strings',
);

/** A flat object of targeting attributes: bounded keys, scalar or string-list values, 8 kB at most. */
const attributes = z
  .record(z.string(), z.unknown(), 'an object of attributes')
  .superRefine((value, ctx) => {
    if (Array.isArray(value)) ctx.addIssue({ code: 'custom', message: 'an object of attributes, not a list' });
  })
  .pipe(
    z
      .record(z.string().regex(ATTRIBUTE_KEY, 'keys are 1 to 64 letters, digits, _ . or -, starting with a letter or _'), attributeValue)
      .refine((value) => Object.keys(value).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
      .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_ATTRIBUTES_BYTES, `at most ${MAX_ATTRIBUTES_BYTES} bytes as JSON`),
  );

/** One user as the tenant app reports it. Omitted fields are kept as stored; `null` clears one. */
export const userInputSchema = z.object({
  externalId: text({ min: 1, max: 255 }),
  email: email.nullish(),
  name: text({ min: 1, max: 200 }).nullish(),
  role: text({ min: 1, max: 100 }).nullish(),
  locale: locale.nullish(),
  timeZone: timeZone.nullish(),
  attributes: attributes.nullish(),
  lastSeenAt: z
    .date('not a valid date and time')
    .refine((d) => d.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future')
    .nullish(),
});
export type UserInput = z.input<typeof userInputSchema>;
type ParsedUser = z.output<typeof userInputSchema>;

/** A refused item of a batch: its position in the input and the field at fault. */
export interface UserItemError {
  index: number;
  /** Path of the field inside the item, e.g. ['email'] (['externalId'] for a duplicate). */
  path: string[];
  message: string;
}

export interface UpsertResult {
  /** The stored users, in the order given (refused items left out). */
  users: User[];
  errors: UserItemError[];
}

const FIELDS = ['email', 'name', 'role', 'locale', 'timeZone', 'attributes', 'lastSeenAt'] as const;

/** The columns an item sets: omitted fields are left out, `null` clears. */
function columnsOf(item: ParsedUser): Partial<Record<(typeof FIELDS)[number], unknown>> {
  const data: Partial<Record<(typeof FIELDS)[number], unknown>> = {};
  for (const field of FIELDS) if (item[field] !== undefined) data[field] = item[field];
  if (data.attributes === null) data.attributes = {};
  return data;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return (a as Date | null)?.getTime?.() === (b as Date | null)?.getTime?.();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What `item` changes on `row`; `lastSeenAt` only moves forward (batches may arrive out of order). */
function changesFor(row: User, item: ParsedUser): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(columnsOf(item))) {
    if (field === 'lastSeenAt' && value && row.lastSeenAt && row.lastSeenAt >= (value as Date)) continue;
    if (!sameValue(row[field as keyof User], value)) changes[field] = value;
  }
  return changes;
}

/**
 * Creates or updates a batch of the tenant's users by external id. Each item is validated on its own: the
 * valid ones are stored (in one transaction) and the others come back as errors naming their index and
 * field. Sending the same batch again changes nothing; two batches racing on one external id both succeed
 * and leave one row (INSERT … ON CONFLICT DO NOTHING waits for the other insert, then the update applies).
 */
export async function upsertUsers(scope: TenantScope, items: readonly unknown[]): Promise<UpsertResult> {
  if (!Array.isArray(items)) throw InputError.field('users', 'a list of users');
  if (items.length > MAX_UPSERT_BATCH) throw InputError.field('users', `at most ${MAX_UPSERT_BATCH} users per call (got ${items.length})`);
  const errors: UserItemError[] = [];
  const valid = new Map<string, { index: number; item: ParsedUser }>();
  items.forEach((raw, index) => {
    const parsed = userInputSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ index, path: issue.path.map(String), message: issue.message });
      return;
    }
    const earlier = valid.get(parsed.data.externalId);
    if (earlier) {
      errors.push({ index, path: ['externalId'], message: `given twice in this batch (first at index ${earlier.index})` });
      return;
    }
    valid.set(parsed.data.externalId, { index, item: parsed.data });
  });
  if (valid.size === 0) return { users: [], errors };

  // One order for every batch, so two batches touching the same users lock them in the same order.
  const sorted = [...valid.values()].sort((a, b) => (a.item.externalId < b.item.externalId ? -1 : a.item.externalId > b.item.externalId ? 1 : 0));
  const stored = await transaction(scope, async (tx) => {
    const created = await tx.db.user.createManyAndReturn({
      data: sorted.map(({ item }) => ({ externalId: item.externalId, ...columnsOf(item) }) as Prisma.UserCreateManyInput),
      skipDuplicates: true,
    });
    const byExternalId = new Map(created.map((u) => [u.externalId, u]));
    const rest = sorted.filter(({ item }) => !byExternalId.has(item.externalId));
    const existing = rest.length
      ? await tx.db.user.findMany({ where: { externalId: { in: rest.map(({ item }) => item.externalId) } } })
      : [];
    const existingById = new Map(existing.map((u) => [u.externalId, u]));
    const changed: User[] = [...created];
    for (const { item } of rest) {
      const row = existingById.get(item.externalId)!;
      const changes = changesFor(row, item);
      if (Object.keys(changes).length === 0) {
        byExternalId.set(item.externalId, row);
        continue;
      }
      const after = await tx.db.user.update({ where: { id: row.id }, data: changes as Prisma.UserUpdateInput });
      byExternalId.set(item.externalId, after);
      changed.push(after);
    }
    for (const user of changed) await tx.publish('userChanged', { tenantId: user.tenantId, userId: user.id, kind: 'upserted' });
    return byExternalId;
  });
  const users = [...valid.values()].sort((a, b) => a.index - b.index).map(({ item }) => stored.get(item.externalId)!);
  return { users, errors: errors.sort((a, b) => a.index - b.index) };
}

// ─── block / unblock ─────────────────────────────────────────────────────────

export const userLifecycle = defineLifecycle({
  resourceType: 'User',
  state: (user: User) => (user.blockedAt ? 'BLOCKED' : 'ACTIVE'),
  transitions: {
    block: { from: ['ACTIVE'], to: 'BLOCKED' },
    unblock: { from: ['BLOCKED'], to: 'ACTIVE' },
  },
});

const reasonSchema = z.object({ reason: text({ max: 1000 }).refine((r) => r.length >= 3, 'give a reason (3 characters or more)') });

/** Blocks a user: the tenant app sees `userBlocked` and hears `viewerUserChanged`. */
export async function blockUser(scope: PlatformScope, id: string, reason: string): Promise<User> {
  const { reason: why } = parseInput(reasonSchema, { reason }, []);
  const blockedById = scope.principal.kind === 'admin' ? scope.principal.userId : null;
  return transition(scope, id, 'block', { blockedAt: new Date(), blockedReason: why, blockedById }, 'blocked');
}

export async function unblockUser(scope: PlatformScope, id: string): Promise<User> {
  return transition(scope, id, 'unblock', { blockedAt: null, blockedReason: null, blockedById: null }, 'unblocked');
}

async function transition(
  scope: PlatformScope,
  id: string,
  action: keyof typeof userLifecycle.transitions,
  data: Prisma.UserUncheckedUpdateInput,
  kind: UserChangeKind,
): Promise<User> {
  return runAudited(scope, async (tx) => {
    const { before } = await userLifecycle.begin(tx, id, action, (id) => tx.db.user.findUnique({ where: { id } }));
    const after = await tx.db.user.update({ where: { id }, data });
    await tx.audit({ action: `user.${action}`, targetType: 'User', targetId: id, tenantId: after.tenantId, before, after });
    await tx.publish('userChanged', { tenantId: after.tenantId, userId: id, kind });
    return after;
  });
}

// ─── timeline ────────────────────────────────────────────────────────────────

export interface TimelineEmail {
  id: string;
  subject: string | null;
  status: EmailStatus;
  toAddress: string;
  createdAt: Date;
}

export type TimelineEntry =
  | { kind: 'AUDIT'; id: string; occurredAt: Date; audit: AuditEvent; email: null }
  | { kind: 'EMAIL'; id: string; occurredAt: Date; audit: null; email: TimelineEmail };

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Pass as `after` for the next (older) page; null on the last page. */
  endCursor: string | null;
}

export const MAX_TIMELINE_PAGE = 100;

function encodeCursor(entry: TimelineEntry): string {
  return Buffer.from(JSON.stringify([entry.occurredAt.toISOString(), entry.id])).toString('base64url');
}

const cursorSchema = z
  .string()
  .transform((cursor, ctx) => {
    try {
      const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
      const date = new Date(at);
      if (typeof id === 'string' && z.uuid().safeParse(id).success && !Number.isNaN(date.getTime())) return { at: date, id };
    } catch {
      // fall through
    }
    ctx.addIssue({ code: 'custom', message: 'not a valid cursor' });
    return z.NEVER;
  });

const timelineArgs = z.object({
  first: z.number().int('a whole number').min(1, 'at least 1').max(MAX_TIMELINE_PAGE, `at most ${MAX_TIMELINE_PAGE}`),
  after: cursorSchema.nullish(),
});

/**
 * What happened to a user, newest first: audit entries about the user and emails sent to them, merged
 * on (time, id) so pages never skip or repeat an entry.
 */
export async function userTimeline(scope: PlatformScope, userId: string, args: { first: number; after?: string | null }): Promise<TimelinePage> {
  const { first, after } = parseInput(timelineArgs, args, []);
  const olderThan = (column: 'occurredAt' | 'createdAt') =>
    after ? { OR: [{ [column]: { lt: after.at } }, { [column]: after.at, id: { lt: after.id } }] } : {};
  const [audits, emails] = await Promise.all([
    scope.db.auditEvent.findMany({
      where: { targetType: 'User', targetId: userId, ...olderThan('occurredAt') },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    }),
    scope.db.email.findMany({
      where: { userId, ...olderThan('createdAt') },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, subject: true, status: true, toAddress: true, createdAt: true },
      take: first + 1,
    }),
  ]);
  const merged: TimelineEntry[] = [
    ...audits.map((audit) => ({ kind: 'AUDIT' as const, id: audit.id, occurredAt: audit.occurredAt, audit, email: null })),
    ...emails.map((email) => ({ kind: 'EMAIL' as const, id: email.id, occurredAt: email.createdAt, audit: null, email })),
  ].sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const entries = merged.slice(0, first);
  return { entries, endCursor: merged.length > first ? encodeCursor(entries[entries.length - 1]!) : null };
}
