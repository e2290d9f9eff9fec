import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';

// The Operations overview's numbers, checked against rows this file inserts into its own database.

let p: TestPlatform;
let viewer: string;
const HOUR = 3_600_000;
const now = Date.now();
const ago = (hours: number) => new Date(now - hours * HOUR);

beforeAll(async () => {
  p = await startPlatform();
  viewer = (await p.login('VIEWER')).token;
  const db = p.app.prisma;
  const template = await db.emailTemplate.create({ data: { key: 'ops-overview', name: 'Overview' } });
  const version = await db.emailTemplateVersion.create({ data: { templateId: template.id, version: 1, subject: 's', html: 'h', text: 't' } });
  const email = (status: 'QUEUED' | 'SENT' | 'DELIVERED' | 'OPENED' | 'BOUNCED' | 'FAILED', createdAt: Date) =>
    db.email.create({
      data: { templateId: template.id, templateVersionId: version.id, toAddress: 'a@example.com', fromAddress: 'b@example.com', transport: 'outbox', status, createdAt },
    });
  await email('DELIVERED', ago(1));
  await email('OPENED', ago(23));
  await email('BOUNCED', ago(2));
  await email('SENT', ago(30)); // outside 24 h
  await email('FAILED', ago(3));
  await email('FAILED', ago(48)); // outside 24 h
  await email('QUEUED', ago(1));

  let n = 0;
  const event = (status: 'PENDING' | 'PROCESSED' | 'FAILED' | 'DEAD' | 'IGNORED', receivedAt: Date) =>
    db.webhookEvent.create({ data: { provider: 'STRIPE', externalId: `evt_ops_${++n}`, type: 'invoice.paid', payload: {}, status, receivedAt } });
  await event('PROCESSED', ago(1));
  await event('IGNORED', ago(2));
  await event('FAILED', ago(3));
  await event('DEAD', ago(20));
  await event('DEAD', ago(25)); // outside 24 h
  await event('PENDING', ago(0.1));
});
afterAll(() => p.close());

describe('operationsOverview', () => {
  it('counts emails and webhook events of the last 24 hours by default', async () => {
    const res = await p.gql(
      `{ operationsOverview { emailsSent emailsFailed emailsBounced webhookEventsReceived webhookEventsFailed webhookEventsDead since until } }`,
      {},
      viewer,
    );
    expect(res.errors).toBeUndefined();
    const o = res.data!.operationsOverview;
    expect(o).toMatchObject({ emailsSent: 3, emailsFailed: 1, emailsBounced: 1, webhookEventsReceived: 5, webhookEventsFailed: 1, webhookEventsDead: 1 });
    expect(Date.parse(o.until) - Date.parse(o.since)).toBe(24 * HOUR);
  });

  it('takes another window', async () => {
    const res = await p.gql(`{ operationsOverview(hours: 72) { emailsSent emailsFailed webhookEventsDead } }`, {}, viewer);
    expect(res.data!.operationsOverview).toEqual({ emailsSent: 4, emailsFailed: 2, webhookEventsDead: 2 });
  });

  it('refuses a window out of bounds, naming the argument', async () => {
    for (const hours of [0, 169]) {
      const res = await p.gql(`query($h: Int) { operationsOverview(hours: $h) { emailsSent } }`, { h: hours }, viewer);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(res.errors)).toContain('hours');
    }
  });

  it('is admin-only: a tenant key does not see it', async () => {
    const { apiKey } = await p.makeTenant();
    const res = await p.gql(`{ operationsOverview { emailsSent } }`, {}, apiKey);
    expect(res.errors).toBeDefined();
  });
});
