import type { TicketPriority, TicketStatus } from '../../generated/prisma/enums.ts';
import { transaction, type SystemScope } from '../../scope.ts';
import { ensureTicketTemplates } from './notifications.ts';
import { syncTicketSla } from './sla.ts';

interface DemoTicket {
  subject: string;
  description: string;
  priority: TicketPriority;
  status: TicketStatus;
  category: string;
  tags: string[];
  /** [who, body, internal]: R = the requester, A = support. */
  thread: ['R' | 'A', string, boolean][];
}

const DEMO: DemoTicket[] = [
  {
    subject: 'Invoices export is empty', description: 'The **CSV export** of invoices for November has headers only.\n\nSteps: Billing → Invoices → Export.',
    priority: 'HIGH', status: 'OPEN', category: 'billing', tags: ['export', 'invoices'],
    thread: [['A', 'Thanks for the report, we can reproduce it. Looking into it now.', false], ['A', 'Export query filters on `issuedAt` in UTC; their invoices are issued at local midnight.', true]],
  },
  {
    subject: 'Cannot invite a teammate', description: 'The invite email never arrives for `sam@` addresses.',
    priority: 'NORMAL', status: 'PENDING', category: 'access', tags: ['invites'],
    thread: [['A', 'Could you check the spam folder and tell us the exact address?', false]],
  },
  {
    subject: 'API returns 500 on /v1/orders', description: 'Since this morning every `POST /v1/orders` fails with a 500.',
    priority: 'URGENT', status: 'NEW', category: 'api', tags: ['outage'], thread: [],
  },
  {
    subject: 'Change the billing contact', description: 'Please send invoices to finance@ instead of the owner.',
    priority: 'LOW', status: 'RESOLVED', category: 'billing', tags: [],
    thread: [['A', 'Done: invoices now go to the finance address.', false], ['R', 'Perfect, thank you!', false]],
  },
  {
    subject: 'Dark mode request', description: 'Any plans for a dark theme?', priority: 'LOW', status: 'CLOSED', category: 'feedback', tags: ['feature-request'],
    thread: [['A', 'It is on our roadmap; we will let you know.', false]],
  },
];

/** A handful of tickets with threads for the first demo tenants with users, and the ticket email templates. */
export async function seedTickets(scope: SystemScope): Promise<string[]> {
  await ensureTicketTemplates(scope);
  const agent = await scope.db.adminUser.findFirst({ where: { role: 'SUPPORT', active: true }, orderBy: { createdAt: 'asc' }, select: { id: true } });
  const tenants = await scope.db.tenant.findMany({
    where: { status: { not: 'DELETED' }, users: { some: { blockedAt: null } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: 4,
    select: { id: true, users: { where: { blockedAt: null }, orderBy: { externalId: 'asc' }, take: 3, select: { id: true } } },
  });
  let count = 0;
  await transaction(scope, async (tx) => {
    for (const [t, tenant] of tenants.entries()) {
      for (const [i, demo] of DEMO.entries()) {
        if ((t + i) % 4 === 3) continue; // not every tenant has every ticket
        const requesterId = tenant.users[i % tenant.users.length]!.id;
        const opened = new Date(Date.now() - ((t + 1) * 26 + i * 5) * 3_600_000);
        const at = (hours: number) => new Date(opened.getTime() + hours * 3_600_000);
        const answered = demo.thread.find(([who, , internal]) => who === 'A' && !internal);
        const ticket = await tx.db.ticket.create({
          data: {
            tenantId: tenant.id, requesterId, subject: demo.subject, description: demo.description, priority: demo.priority, status: demo.status,
            category: demo.category, tags: demo.tags, source: 'TENANT_API', createdAt: opened, lastActivityAt: at(demo.thread.length),
            assigneeId: demo.status === 'NEW' ? null : (agent?.id ?? null), assignedAt: demo.status === 'NEW' || !agent ? null : at(0.5),
            firstRespondedAt: answered ? at(1) : null,
            resolvedAt: demo.status === 'RESOLVED' || demo.status === 'CLOSED' ? at(demo.thread.length + 1) : null,
            closedAt: demo.status === 'CLOSED' ? at(demo.thread.length + 2) : null,
          },
        });
        const events: { kind: 'CREATED' | 'COMMENTED' | 'INTERNAL_NOTE' | 'STATUS_CHANGED'; internal: boolean; createdAt: Date; actor: 'R' | 'A'; to: object }[] = [
          { kind: 'CREATED', internal: false, createdAt: opened, actor: 'R', to: { status: 'NEW', priority: demo.priority } },
        ];
        for (const [n, [who, body, internal]] of demo.thread.entries()) {
          const createdAt = at(n + 1);
          const comment = await tx.db.ticketComment.create({
            data: {
              ticketId: ticket.id, tenantId: tenant.id, body, internal, createdAt,
              authorType: who === 'A' ? (agent ? 'ADMIN' : 'SYSTEM') : 'REQUESTER',
              authorAdminId: who === 'A' ? (agent?.id ?? null) : null, authorUserId: who === 'R' ? requesterId : null,
            },
          });
          events.push({ kind: internal ? 'INTERNAL_NOTE' : 'COMMENTED', internal, createdAt, actor: who, to: { commentId: comment.id } });
        }
        if (demo.status !== 'NEW') events.push({ kind: 'STATUS_CHANGED', internal: false, createdAt: at(demo.thread.length + 1), actor: 'A', to: { status: demo.status } });
        await tx.db.ticketEvent.createMany({
          data: events.map((e) => ({
            ticketId: ticket.id, tenantId: tenant.id, kind: e.kind, internal: e.internal, createdAt: e.createdAt, to: e.to,
            actorType: e.actor === 'R' ? ('REQUESTER' as const) : agent ? ('ADMIN' as const) : ('SYSTEM' as const),
            actorAdminId: e.actor === 'A' ? (agent?.id ?? null) : null, actorUserId: e.actor === 'R' ? requesterId : null,
          })),
        });
        await syncTicketSla(tx, ticket.id, 'created');
        count += 1;
      }
    }
  });
  return [`${count} support tickets across ${tenants.length} tenants, and 6 ticket email templates`];
}
