import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { seedDemo } from '../../seed/index.ts';
import { TICKET_TEMPLATES } from './notifications.ts';

let p: TestPlatform;

beforeAll(async () => {
  p = await startPlatform();
  await seedDemo(p.app, {}, { isProduction: false });
});
afterAll(() => p.close());

describe('demo tickets', () => {
  it('seeds tickets with threads for the demo tenants, and every ticket email template', async () => {
    const tickets = await p.app.prisma.ticket.findMany({ include: { comments: true, events: { orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] } } });
    expect(tickets.length).toBeGreaterThanOrEqual(12);
    expect(new Set(tickets.map((t) => t.status))).toEqual(new Set(['NEW', 'OPEN', 'PENDING', 'RESOLVED', 'CLOSED']));
    expect(tickets.some((t) => t.comments.some((c) => c.internal))).toBe(true);
    for (const t of tickets) expect(t.events[0]!.kind).toBe('CREATED');
    // Open tickets run SLA clocks like any other.
    expect(tickets.filter((t) => t.status === 'NEW').every((t) => t.firstResponseDueAt !== null)).toBe(true);
    const keys = (await p.app.prisma.emailTemplate.findMany({ select: { key: true } })).map((t) => t.key);
    for (const template of Object.values(TICKET_TEMPLATES)) expect(keys).toContain(template.key);
    // Seeding the templates again keeps what is there.
    const { ensureTicketTemplates } = await import('./notifications.ts');
    await ensureTicketTemplates(p.system);
    expect(await p.app.prisma.emailTemplate.count({ where: { key: { startsWith: 'ticket-' } } })).toBe(6);
  });
});
