// Notification channels against local receivers started here (a Slack stand-in, a webhook receiver that
// verifies Standard Webhooks signatures with the real library, Resend's fake), through the real job queue.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import { env } from '../../env.ts';
import type { AlertSeverity } from '../../generated/prisma/enums.ts';
import { transaction } from '../../scope.ts';
import { startResendFake, type ResendFake } from '../emails/resend-fake.test-helper.ts';
import { createAlertChannel } from './channels.ts';
import { notifyAlert, type NotifyReason } from './channels-notify.ts';
import { recordPlatformMetrics } from '../metrics/ingest.ts';
import { createAlertRule } from './rules.ts';
import { acknowledgeAlert, evaluateRule, resolveAlert } from './service.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Records every POST and answers from a script per path (statuses in order, then 200). */
async function startReceiver() {
  const requests: Received[] = [];
  const scripts = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ path, headers: req.headers, body });
      const status = scripts.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : `refused ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path: string) => requests.filter((r) => r.path === path),
    script: (path: string, statuses: number[]) => scripts.set(path, [...statuses]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let p: TestPlatform;
let owner: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let resend: ResendFake;
const saved = { ...env };

beforeAll(async () => {
  receiver = await startReceiver();
  resend = await startResendFake();
  Object.assign(env, {
    emailTransport: 'resend', RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.url,
    ALERT_DELIVERY_RETRY_BASE_MS: 20, ALERT_DELIVERY_MAX_ATTEMPTS: 5,
  });
  p = await startPlatform({ recordQueries: true });
  await p.startWorker();
  owner = (await p.login('OWNER')).token;
});
afterAll(async () => {
  await p?.close();
  await receiver?.close();
  await resend?.close();
  Object.assign(env, saved);
});

const CHANNEL_FIELDS = 'id name kind enabled emailTo urlHint hasSigningSecret ticketTenantId ticketPriority lastTestedAt';
const CREATE = `mutation($i: AlertChannelInput!) { createAlertChannel(input: $i) { __typename
  ... on MutationCreateAlertChannelSuccess { data { signingSecret channel { ${CHANNEL_FIELDS} } } }
  ... on ValidationError { fieldErrors { field message } } ... on NotFoundError { resourceType } ... on ConflictError { field } } }`;
const UPDATE = `mutation($id: ID!, $i: AlertChannelUpdateInput!) { updateAlertChannel(id: $id, input: $i) { __typename
  ... on MutationUpdateAlertChannelSuccess { data { signingSecret channel { ${CHANNEL_FIELDS} } } }
  ... on ValidationError { fieldErrors { field message } } } }`;
const TEST = `mutation($id: ID!) { testAlertChannel(id: $id) { __typename ... on MutationTestAlertChannelSuccess { data { id reason status } } ... on Error { message } } }`;
const CHANNEL = `query($id: ID!) { alertChannel(id: $id) { ${CHANNEL_FIELDS} deliveries(first: 10) { id reason status attempts lastError responseStatus sentAt channel { id } } } }`;

let n = 0;
const uniq = (prefix: string) => `${prefix} ${(n += 1)}-${Date.now() % 100000}`;

async function createChannel(input: Record<string, unknown>) {
  const res = await p.gql(CREATE, { i: { name: uniq(String(input.kind)), ...input } }, owner);
  return ok<{ signingSecret: string | null; channel: Record<string, any> }>(res.data!.createAlertChannel);
}

async function firingAlert(channelIds: string[], options: { severity?: AlertSeverity; tenantId?: string | null; silencedUntil?: Date } = {}) {
  const severity = options.severity ?? 'CRITICAL';
  const rule = await p.app.prisma.alertRule.create({
    data: {
      name: uniq('Error rate'), metric: 'http.errors', operator: 'GT', threshold: 0.05, severity, tenantId: options.tenantId ?? null,
      silencedUntil: options.silencedUntil ?? null, channels: { create: channelIds.map((channelId) => ({ channelId })) },
    },
  });
  return p.app.prisma.alert.create({
    data: {
      ruleId: rule.id, severity, state: 'FIRING', value: 0.12, labels: { service: 'api' }, labelsKey: 'service=api',
      tenantId: options.tenantId ?? null, firedAt: new Date(), lastTrueAt: new Date(),
    },
    include: { rule: true },
  });
}

const notify = (alertId: string, reason: NotifyReason) => transaction(p.system, (tx) => notifyAlert(tx, alertId, reason));

const settled = (id: string) =>
  until(() => p.app.prisma.alertDelivery.findUniqueOrThrow({ where: { id } }), (d) => d.status === 'SENT' || d.status === 'DEAD', `delivery ${id} to settle`);

async function deliveriesOf(alertId: string, reason?: string) {
  return p.app.prisma.alertDelivery.findMany({ where: { alertId, reason }, orderBy: { createdAt: 'asc' } });
}

async function settledDeliveryOf(alertId: string, reason: string) {
  const [d] = await until(() => deliveriesOf(alertId, reason), (rows) => rows.length === 1, `${reason} delivery of ${alertId}`);
  return settled(d!.id);
}

describe('channel validation', () => {
  it('refuses bad input with typed errors naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ kind: 'EMAIL', emailTo: ['not-an-address'] }, 'input.emailTo.0', /valid email/],
      [{ kind: 'EMAIL' }, 'input.emailTo', /required/],
      [{ kind: 'EMAIL', emailTo: ['a@example.com'], url: 'https://example.com/x' }, 'input.url', /not used by EMAIL/],
      [{ kind: 'SLACK', url: 'https://example.com/services/T1/B1/abc' }, 'input.url', /Slack incoming webhook/],
      [{ kind: 'SLACK', url: `${receiver.url}/hooks/nope` }, 'input.url', /\/services\//],
      [{ kind: 'WEBHOOK', url: 'ftp://example.com/hook' }, 'input.url', /http/],
      [{ kind: 'WEBHOOK', url: 'https://user:pw@example.com/hook' }, 'input.url', /password/],
      [{ kind: 'WEBHOOK', url: 'https://example.com/hook', signingSecret: 'plain' }, 'input.signingSecret', /whsec_/],
      [{ kind: 'TICKET', ticketTenantId: 'nope' }, 'input.ticketTenantId', /valid id/],
    ];
    for (const [input, field, message] of cases) {
      const res = await p.gql(CREATE, { i: { name: uniq('Bad'), ...input } }, owner);
      expect(res.data?.createAlertChannel?.__typename, JSON.stringify([input, res])).toBe('ValidationError');
      expect(res.data!.createAlertChannel.fieldErrors).toContainEqual({ field, message: expect.stringMatching(message) });
    }
    // NUL bytes are refused by the API before any resolver; the service refuses them too.
    await expect(createAlertChannel(p.system, { name: 'bad\u0000name', kind: 'TICKET' })).rejects.toMatchObject({ issues: [{ path: ['input', 'name'], message: expect.stringMatching(/NUL/) }] });
    const missingTenant = await p.gql(CREATE, { i: { name: uniq('Ticket'), kind: 'TICKET', ticketTenantId: '00000000-0000-4000-8000-000000000000' } }, owner);
    expect(missingTenant.data!.createAlertChannel).toMatchObject({ __typename: 'NotFoundError', resourceType: 'Tenant' });
  });

  it('refuses a second channel with the same name as a conflict on name', async () => {
    const name = uniq('Same');
    await createChannel({ name, kind: 'EMAIL', emailTo: ['ops@example.com'] });
    const res = await p.gql(CREATE, { i: { name, kind: 'EMAIL', emailTo: ['ops@example.com'] } }, owner);
    expect(res.data!.createAlertChannel).toMatchObject({ __typename: 'ConflictError', field: 'name' });
  });

  it('gives one of two creations racing for a name the channel and the other a conflict, with one audit entry', async () => {
    const name = uniq('Race');
    const input = { i: { name, kind: 'EMAIL', emailTo: ['race@example.com'] } };
    const results = await Promise.all([p.gql(CREATE, input, owner), p.gql(CREATE, input, owner)]);
    expect(results.map((r) => r.data!.createAlertChannel.__typename).sort()).toEqual(['ConflictError', 'MutationCreateAlertChannelSuccess']);
    const [channel] = await p.app.prisma.alertChannel.findMany({ where: { name } });
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'alertChannel.create', targetId: channel!.id } })).toBe(1);
  });

  it('refuses on update what the channel kind does not use, and keeps the kind', async () => {
    const { channel } = await createChannel({ kind: 'EMAIL', emailTo: ['keep@example.com'] });
    const res = await p.gql(UPDATE, { id: channel.id, i: { url: 'https://example.com/hook' } }, owner);
    expect(res.data!.updateAlertChannel.fieldErrors).toEqual([{ field: 'input.url', message: 'not used by EMAIL channels' }]);
    const same = await p.gql(UPDATE, { id: channel.id, i: { emailTo: ['keep@example.com'] } }, owner);
    expect(ok(same.data!.updateAlertChannel).channel).toMatchObject({ kind: 'EMAIL', emailTo: ['keep@example.com'] });
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: channel.id, action: 'alertChannel.update' } })).toBe(0);
  });

  it('refuses internal addresses and non-Slack hosts in production', async () => {
    Object.assign(env, { isProduction: true });
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'https://10.1.2.3/hook', 'http://[::1]/hook', 'https://localhost/hook', 'http://169.254.169.254/latest']) {
        await expect(createAlertChannel(p.system, { name: uniq('Internal'), kind: 'WEBHOOK', url }), url).rejects.toMatchObject({
          issues: [{ path: ['input', 'url'], message: expect.stringMatching(/loopback, private or link-local/) }],
        });
      }
      await expect(createAlertChannel(p.system, { name: uniq('Local slack'), kind: 'SLACK', url: `${receiver.url}/services/T1/B1/abc` })).rejects.toMatchObject({
        issues: [{ path: ['input', 'url'] }],
      });
    } finally {
      Object.assign(env, { isProduction: saved.isProduction });
    }
  });

  it('needs a write permission: a viewer is refused', async () => {
    const viewer = (await p.login('VIEWER')).token;
    const res = await p.gql(CREATE, { i: { name: uniq('Viewer'), kind: 'EMAIL', emailTo: ['a@example.com'] } }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('secrets', () => {
  it('returns a generated signing secret once, and never the URL or secret anywhere else', async () => {
    const url = `${receiver.url}/hooks/secret-check?token=very-secret-token`;
    const created = await createChannel({ kind: 'WEBHOOK', url });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(created.channel).toMatchObject({ urlHint: new URL(receiver.url).host, hasSigningSecret: true });
    const secret = created.signingSecret!;
    const id = created.channel.id as string;

    const rotated = ok((await p.gql(UPDATE, { id, i: { rotateSigningSecret: true } }, owner)).data!.updateAlertChannel);
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(rotated.signingSecret).not.toBe(secret);
    const renamed = ok((await p.gql(UPDATE, { id, i: { name: uniq('Renamed') } }, owner)).data!.updateAlertChannel);
    expect(renamed.signingSecret).toBeNull();

    const answers = JSON.stringify([
      await p.gql(CHANNEL, { id }, owner),
      await p.gql(`{ alertChannels(first: 200) { totalCount edges { node { ${CHANNEL_FIELDS} } } } }`, {}, owner),
      renamed,
    ]);
    for (const hidden of [url, 'very-secret-token', secret, rotated.signingSecret, secret.slice(6), rotated.signingSecret.slice(6)]) {
      expect(answers).not.toContain(hidden);
    }
    const row = JSON.stringify(await p.app.prisma.alertChannel.findUniqueOrThrow({ where: { id } }));
    const audit = JSON.stringify(await p.app.prisma.auditEvent.findMany({ where: { targetId: id } }));
    for (const hidden of ['very-secret-token', secret.slice(6), rotated.signingSecret.slice(6)]) {
      expect(row).not.toContain(hidden);
      expect(audit).not.toContain(hidden);
    }
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: id, action: { in: ['alertChannel.create', 'alertChannel.update'] } } })).toBe(3);
  });
});

describe('deliveries', () => {
  it('sends a test to Slack with text and blocks, stamps lastTestedAt and audits it', async () => {
    const { channel } = await createChannel({ kind: 'SLACK', url: `${receiver.url}/services/T000/B000/slacktest1` });
    const delivery = ok((await p.gql(TEST, { id: channel.id }, owner)).data!.testAlertChannel);
    expect(delivery).toMatchObject({ reason: 'TEST', status: 'PENDING' });
    expect(await settled(delivery.id)).toMatchObject({ status: 'SENT', attempts: 1, responseStatus: 200, lastError: null });
    const [request] = receiver.on('/services/T000/B000/slacktest1');
    const payload = JSON.parse(request!.body);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(payload.text).toContain(`Test notification from the Opsgraph channel "${channel.name}"`);
    expect(payload.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context']);
    const read = (await p.gql(CHANNEL, { id: channel.id }, owner)).data!.alertChannel;
    expect(read.lastTestedAt).not.toBeNull();
    expect(read.deliveries).toMatchObject([{ id: delivery.id, reason: 'TEST', status: 'SENT', channel: { id: channel.id } }]);
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: channel.id, action: 'alertChannel.test' } })).toBe(1);
  });

  it('signs webhooks so Webhook.verify accepts them, with the delivery id as webhook-id, and notes NOTIFIED in the alert history', async () => {
    const { channel, signingSecret } = await createChannel({ kind: 'WEBHOOK', url: `${receiver.url}/hooks/signed` });
    const alert = await firingAlert([channel.id]);
    await notify(alert.id, 'FIRING');
    const delivery = await settledDeliveryOf(alert.id, 'FIRING');
    expect(delivery).toMatchObject({ status: 'SENT', attempts: 1, responseStatus: 200 });
    const [request] = receiver.on('/hooks/signed');
    const verified = new Webhook(signingSecret!).verify(request!.body, request!.headers as Record<string, string>) as Record<string, any>;
    expect(request!.headers['webhook-id']).toBe(delivery.id);
    expect(verified).toMatchObject({ type: 'alert.firing', data: { reason: 'FIRING', alert: { id: alert.id, severity: 'CRITICAL', labels: { service: 'api' } } } });
    // Tampered bodies and other secrets fail verification.
    expect(() => new Webhook(signingSecret!).verify(request!.body.replace('FIRING', 'RESOLVED'), request!.headers as Record<string, string>)).toThrow();
    const events = await p.app.prisma.alertEvent.findMany({ where: { alertId: alert.id, kind: 'NOTIFIED' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.note).toContain(channel.name);
    expect((await p.app.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).lastNotifiedAt).not.toBeNull();
  });

  it('retries a failing receiver with backoff: two 500s then 200 is SENT after 3 attempts', async () => {
    const { channel } = await createChannel({ kind: 'WEBHOOK', url: `${receiver.url}/hooks/flaky` });
    receiver.script('/hooks/flaky', [500, 503]);
    const alert = await firingAlert([channel.id]);
    await notify(alert.id, 'FIRING');
    expect(await settledDeliveryOf(alert.id, 'FIRING')).toMatchObject({ status: 'SENT', attempts: 3, responseStatus: 200, lastError: null });
    const ids = receiver.on('/hooks/flaky').map((r) => r.headers['webhook-id']);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
  });

  it('is DEAD at once on a 400, and retries 429 like a 5xx', async () => {
    const { channel } = await createChannel({ kind: 'SLACK', url: `${receiver.url}/services/T000/B000/gone` });
    receiver.script('/services/T000/B000/gone', [400]);
    const alert = await firingAlert([channel.id]);
    await notify(alert.id, 'FIRING');
    const dead = await settledDeliveryOf(alert.id, 'FIRING');
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 1, responseStatus: 400 });
    expect(dead.lastError).toContain('HTTP 400');
    expect(await p.app.prisma.alertEvent.count({ where: { alertId: alert.id, kind: 'NOTIFIED' } })).toBe(0);

    receiver.script('/services/T000/B000/gone', [429, 429, 429, 429, 429]);
    await notify(alert.id, 'REPEAT');
    const exhausted = await settledDeliveryOf(alert.id, 'REPEAT');
    expect(exhausted).toMatchObject({ status: 'DEAD', attempts: 5, responseStatus: 429 });
    expect(exhausted.lastError).toContain('after 5 attempts');
  });

  it('emails every recipient through the emails module with an editable template', async () => {
    const { channel } = await createChannel({ kind: 'EMAIL', emailTo: ['oncall@example.com', 'lead@example.com'] });
    const alert = await firingAlert([channel.id], { severity: 'WARNING' });
    await notify(alert.id, 'FIRING');
    expect(await settledDeliveryOf(alert.id, 'FIRING')).toMatchObject({ status: 'SENT', attempts: 1 });
    const sent = await until(
      () => Promise.resolve(resend.requests.filter((r) => String(r.body.subject).includes(alert.rule.name))),
      (rows) => rows.length === 2, 'two alert emails',
    );
    expect(sent.map((r) => r.to).sort()).toEqual(['lead@example.com', 'oncall@example.com']);
    expect(sent[0]!.body.subject).toBe(`[Opsgraph] Firing: ${alert.rule.name}`);
    expect(String(sent[0]!.body.text)).toContain('WARNING · value 0.12 · {service="api"}');
    expect(await p.app.prisma.emailTemplate.count({ where: { key: 'alert-notification' } })).toBe(1);
  });

  it('sends nothing for a silenced rule, and skips disabled channels', async () => {
    const { channel } = await createChannel({ kind: 'WEBHOOK', url: `${receiver.url}/hooks/silenced` });
    const off = await createChannel({ kind: 'WEBHOOK', url: `${receiver.url}/hooks/off`, enabled: false });
    const alert = await firingAlert([channel.id, off.channel.id], { silencedUntil: new Date(Date.now() + 3_600_000) });
    await notify(alert.id, 'FIRING');
    await notify(alert.id, 'RESOLVED');
    expect(await deliveriesOf(alert.id)).toEqual([]);
    const loud = await firingAlert([channel.id, off.channel.id]);
    await notify(loud.id, 'FIRING');
    expect((await deliveriesOf(loud.id)).map((d) => d.channelId)).toEqual([channel.id]);
  });
});

describe('the ticket channel', () => {
  const SLA = `query($id: ID!) { ticket(id: $id) { id priority source status firstRespondedAt firstResponseDueAt requester { externalId }
    slaClocks { target state } comments { body internal } } }`;

  it('opens a ticket on FIRING (priority from severity, SLA running), notes the resolution and counts the acknowledgement as first response', async () => {
    const tenant = await p.makeTenant();
    const { channel } = await createChannel({ kind: 'TICKET' });
    const alert = await firingAlert([channel.id], { severity: 'CRITICAL', tenantId: tenant.tenantId });
    await notify(alert.id, 'FIRING');
    expect(await settledDeliveryOf(alert.id, 'FIRING')).toMatchObject({ status: 'SENT' });
    const { ticketId } = await p.app.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } });
    expect(ticketId).not.toBeNull();
    let ticket = (await p.gql(SLA, { id: ticketId }, owner)).data!.ticket;
    expect(ticket).toMatchObject({ priority: 'URGENT', source: 'ALERT', firstRespondedAt: null, requester: { externalId: 'opsgraph-monitoring' } });
    expect(ticket.firstResponseDueAt).not.toBeNull();
    expect(ticket.slaClocks.find((c: { target: string }) => c.target === 'FIRST_RESPONSE').state).toBe('OK');
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId! }, include: { alert: true } })).alert?.id).toBe(alert.id);

    const admin = await p.app.prisma.adminUser.findFirstOrThrow({ where: { role: 'OWNER' } });
    await p.app.prisma.alert.update({ where: { id: alert.id }, data: { acknowledgedAt: new Date(), acknowledgedById: admin.id, acknowledgeNote: 'looking into it' } });
    await notify(alert.id, 'ACKNOWLEDGED');
    expect(await settledDeliveryOf(alert.id, 'ACKNOWLEDGED')).toMatchObject({ status: 'SENT' });
    ticket = (await p.gql(SLA, { id: ticketId }, owner)).data!.ticket;
    expect(ticket.firstRespondedAt).not.toBeNull();
    expect(ticket.slaClocks.find((c: { target: string }) => c.target === 'FIRST_RESPONSE').state).toBe('MET');
    expect(ticket.comments).toContainEqual({ body: expect.stringContaining('looking into it'), internal: false });

    await p.app.prisma.alert.update({ where: { id: alert.id }, data: { state: 'RESOLVED', resolvedAt: new Date() } });
    await notify(alert.id, 'RESOLVED');
    expect(await settledDeliveryOf(alert.id, 'RESOLVED')).toMatchObject({ status: 'SENT' });
    ticket = (await p.gql(SLA, { id: ticketId }, owner)).data!.ticket;
    expect(ticket.comments).toContainEqual({ body: expect.stringContaining('The alert resolved'), internal: true });
    // A retried FIRING never opens a second ticket; REPEAT never reaches a ticket channel.
    await notify(alert.id, 'REPEAT');
    expect(await deliveriesOf(alert.id, 'REPEAT')).toEqual([]);
    expect(await p.app.prisma.ticket.count({ where: { tenantId: tenant.tenantId, source: 'ALERT' } })).toBe(1);
  });

  it("opens a platform alert's ticket in the fallback tenant with the channel's priority; without a fallback the delivery is DEAD", async () => {
    const tenant = await p.makeTenant();
    const fallback = await createChannel({ kind: 'TICKET', ticketTenantId: tenant.tenantId, ticketPriority: 'LOW' });
    expect(fallback.channel).toMatchObject({ ticketTenantId: tenant.tenantId, ticketPriority: 'LOW' });
    const alert = await firingAlert([fallback.channel.id], { severity: 'INFO' });
    await notify(alert.id, 'FIRING');
    expect(await settledDeliveryOf(alert.id, 'FIRING')).toMatchObject({ status: 'SENT' });
    const linked = await p.app.prisma.alert.findUniqueOrThrow({ where: { id: alert.id }, include: { ticket: { include: { requester: true } } } });
    expect(linked.ticket).toMatchObject({ tenantId: tenant.tenantId, priority: 'LOW', source: 'ALERT', requester: { externalId: 'opsgraph-monitoring' } });

    const bare = await createChannel({ kind: 'TICKET' });
    const orphan = await firingAlert([bare.channel.id], { severity: 'WARNING' });
    await notify(orphan.id, 'FIRING');
    const dead = await settledDeliveryOf(orphan.id, 'FIRING');
    expect(dead).toMatchObject({ status: 'DEAD', attempts: 1 });
    expect(dead.lastError).toContain('no fallback tenant');
  });

  it('maps WARNING to HIGH', async () => {
    const tenant = await p.makeTenant();
    const { channel } = await createChannel({ kind: 'TICKET' });
    const alert = await firingAlert([channel.id], { severity: 'WARNING', tenantId: tenant.tenantId });
    await notify(alert.id, 'FIRING');
    await settledDeliveryOf(alert.id, 'FIRING');
    const linked = await p.app.prisma.alert.findUniqueOrThrow({ where: { id: alert.id }, include: { ticket: true } });
    expect(linked.ticket?.priority).toBe('HIGH');
  });
});

describe('through the alerts service', () => {
  it('notifies a rule firing on ingest, its acknowledgement and its resolution, each signed, in the alert history', async () => {
    const { channel, signingSecret } = await createChannel({ kind: 'WEBHOOK', url: `${receiver.url}/hooks/e2e` });
    const metric = `e2e_errors_${Date.now() % 100000}`;
    const rule = await createAlertRule(p.system, {
      name: uniq('E2E rule'), signal: 'METRIC', metric, aggregation: 'MAX', windowSeconds: 300, operator: 'GT', threshold: 1,
      pendingSeconds: 0, severity: 'CRITICAL', channelIds: [channel.id],
    } as never);
    await recordPlatformMetrics(p.system, [{ name: metric, value: 5 } as never]);
    await evaluateRule(p.system, rule.id);
    const alert = await until(() => p.app.prisma.alert.findFirst({ where: { ruleId: rule.id, state: 'FIRING' } }), (a) => !!a, 'the alert to fire');
    expect(await settledDeliveryOf(alert!.id, 'FIRING')).toMatchObject({ status: 'SENT' });
    await acknowledgeAlert(p.system, alert!.id, 'on it');
    expect(await settledDeliveryOf(alert!.id, 'ACKNOWLEDGED')).toMatchObject({ status: 'SENT' });
    await resolveAlert(p.system, alert!.id, 'fixed');
    expect(await settledDeliveryOf(alert!.id, 'RESOLVED')).toMatchObject({ status: 'SENT' });
    const types = receiver.on('/hooks/e2e').map((r) => (new Webhook(signingSecret!).verify(r.body, r.headers as Record<string, string>) as { type: string }).type);
    expect(types).toEqual(['alert.firing', 'alert.acknowledged', 'alert.resolved']);
    expect(await p.app.prisma.alertEvent.count({ where: { alertId: alert!.id, kind: 'NOTIFIED' } })).toBe(3);
    const read = await p.gql(`query($id: ID!) { alert(id: $id) { deliveries { reason status channel { id } } rule { channels { id name urlHint } } } }`, { id: alert!.id }, owner);
    expect(read.errors).toBeUndefined();
    expect(read.data!.alert.deliveries.map((d: { reason: string; status: string }) => `${d.reason}:${d.status}`)).toEqual(['FIRING:SENT', 'ACKNOWLEDGED:SENT', 'RESOLVED:SENT']);
    expect(read.data!.alert.rule.channels).toEqual([{ id: channel.id, name: channel.name, urlHint: channel.urlHint }]);
  });
});

describe('reads', () => {
  it('lists channels with their fallback tenants and deliveries in a fixed number of statements', async () => {
    for (let i = 0; i < 3; i += 1) {
      const tenant = await p.makeTenant();
      const { channel } = await createChannel({ kind: 'TICKET', ticketTenantId: tenant.tenantId });
      await settled(ok((await p.gql(TEST, { id: channel.id }, owner)).data!.testAlertChannel).id);
    }
    const LIST = `{ alertChannels(first: 50, filter: { kind: [TICKET] }) { totalCount edges { node { id ticketTenant { id name } deliveries(first: 5) { id status } } } } }`;
    let res: { data?: Record<string, any> } | undefined;
    const statements = await p.recordQueries(async () => (res = await p.gql(LIST, {}, owner)));
    const nodes = res!.data!.alertChannels.edges.map((e: { node: any }) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const node of nodes.filter((x: any) => x.ticketTenant)) expect(node.ticketTenant.name).toMatch(/^Tenant/);
    // The worker runs beside the request: count the statements of the tables this query reads.
    const reading = (pattern: RegExp) => statements.filter((sql) => pattern.test(sql)).length;
    expect(reading(/FROM "public"."AlertChannel"/), 'the list and its count (deliveries joined in)').toBe(2);
    expect(reading(/FROM "public"."AlertDelivery" AS "t0"/), 'no delivery read per channel').toBe(0);
    expect(reading(/FROM "public"."Tenant" AS "t0" WHERE "t0"."id" IN/), 'one read of the fallback tenants').toBe(1);
    const csv = await fetch(`${p.url}/exports/alert-channels.csv?kind=TICKET`, { headers: { authorization: `Bearer ${owner}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toContain('ticketTenantId');
  });
});

describe('deleting', () => {
  it('deletes a channel (audited) and its rules stop using it', async () => {
    const { channel } = await createChannel({ kind: 'EMAIL', emailTo: ['gone@example.com'] });
    const alert = await firingAlert([channel.id]);
    const res = await p.gql(`mutation($id: ID!) { deleteAlertChannel(id: $id) { __typename ... on MutationDeleteAlertChannelSuccess { data { id } } } }`, { id: channel.id }, owner);
    expect(ok(res.data!.deleteAlertChannel)).toEqual({ id: channel.id });
    expect(await p.app.prisma.alertRuleChannel.count({ where: { ruleId: alert.ruleId } })).toBe(0);
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: channel.id, action: 'alertChannel.delete' } })).toBe(1);
    const again = await p.gql(`mutation($id: ID!) { deleteAlertChannel(id: $id) { __typename } }`, { id: channel.id }, owner);
    expect(again.data!.deleteAlertChannel.__typename).toBe('NotFoundError');
  });
});
