// Inbound webhooks end to end: signed requests over HTTP, stored once, processed by the real worker, retried
// with backoff until DEAD, replayed, audited, refusals counted; the admin graph's names as the console uses them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../env.ts';
import { registerWebhookHandlers } from '../../webhook-handlers.ts';
import type { WorkerHandle } from '../../worker/runner.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import {
  postWebhook, resendEvent, signResend, signStripe, stripeEvent, TEST_RESEND_SECRET, TEST_STRIPE_SECRET,
} from '../../../test/webhook-signing.ts';
import { until } from '../../../test/until.ts';

// Test-only event types nobody else handles.
const OK_TYPE = 'test.webhooks.ok';
const FAILING_TYPE = 'test.webhooks.always_fails';
const FLAKY_TYPE = 'test.webhooks.fails_once';
const handled = new Map<string, number>();
const flakyFailed = new Set<string>();
registerWebhookHandlers('webhooks-test', [
  {
    provider: 'STRIPE',
    types: [OK_TYPE],
    handle: async (_scope, event) => {
      handled.set(event.externalId, (handled.get(event.externalId) ?? 0) + 1);
      return { outcome: 'processed' };
    },
  },
  {
    provider: 'STRIPE',
    types: [FAILING_TYPE],
    handle: async () => {
      throw new Error('the test handler always fails');
    },
  },
  {
    provider: 'STRIPE',
    types: [FLAKY_TYPE],
    handle: async (_scope, event) => {
      if (flakyFailed.has(event.externalId)) return { outcome: 'ignored', reason: 'nothing to do the second time' };
      flakyFailed.add(event.externalId);
      throw new Error('first attempt fails');
    },
  },
  {
    provider: 'RESEND',
    types: ['test.webhooks.resend.*'],
    handle: async (_scope, event) => {
      handled.set(event.externalId, (handled.get(event.externalId) ?? 0) + 1);
      return { outcome: 'processed' };
    },
  },
]);

let p: TestPlatform;
let worker: WorkerHandle | null = null;
let owner: string;

const EVENT_FIELDS = `id provider externalId type status attempts nextAttemptAt processedAt lastError ignoredReason receivedAt payload headers
  tenant { id name } attemptsLog { id number trigger startedAt finishedAt outcome error durationMs }`;

async function eventByExternalId(externalId: string) {
  return p.app.prisma.webhookEvent.findFirst({ where: { externalId }, include: { attemptsLog: { orderBy: { number: 'asc' } } } });
}

/**
 * The statements a GraphQL read sent: the in-process worker shares the client, so anything it still writes
 * (job runs, attempt bookkeeping) while the request runs is left out.
 */
const reads = (sql: string[]) => sql.filter((q) => /^\s*(WITH|SELECT)\b/i.test(q) && !/"JobRun"|graphile_worker|"WorkerHeartbeat"/.test(q));

const finished = (e: Awaited<ReturnType<typeof eventByExternalId>>) => !!e && ['PROCESSED', 'IGNORED', 'DEAD'].includes(e.status);

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = (await p.login('OWNER')).token;
  for (const [provider, secret] of [['STRIPE', TEST_STRIPE_SECRET], ['RESEND', TEST_RESEND_SECRET]] as const) {
    const res = await p.gql(
      `mutation($provider: WebhookProvider!, $secret: String!) { setWebhookSecret(provider: $provider, secret: $secret) { __typename } }`,
      { provider, secret },
      owner,
    );
    expect(res.errors).toBeUndefined();
  }
  worker = await p.startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await p?.close();
});

describe('signatures', () => {
  it('accepts a Stripe event signed with the secret and stores it with its headers', async () => {
    const event = stripeEvent(OK_TYPE, { hello: 'stripe' });
    const res = await postWebhook(p.url, 'stripe', signStripe(event));
    expect(res).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const stored = await until(() => eventByExternalId(event.id), finished, 'the stripe event processed');
    expect(stored).toMatchObject({ provider: 'STRIPE', type: OK_TYPE, status: 'PROCESSED', attempts: 1 });
    expect(stored!.payload).toEqual(event);
    expect((stored!.headers as Record<string, string>)['stripe-signature']).toMatch(/^t=\d+,v1=/);
    expect(stored!.attemptsLog).toMatchObject([{ number: 1, trigger: 'delivery', outcome: 'SUCCEEDED' }]);
    expect(handled.get(event.id)).toBe(1);
  });

  it('accepts a Resend (Standard Webhooks) event; its webhook-id is the external id', async () => {
    const request = signResend(resendEvent('test.webhooks.resend.delivered', { email_id: 'e1' }));
    const res = await postWebhook(p.url, 'resend', request);
    expect(res.status).toBe(200);
    const id = request.headers['webhook-id']!;
    const stored = await until(() => eventByExternalId(id), finished, 'the resend event processed');
    expect(stored).toMatchObject({ provider: 'RESEND', type: 'test.webhooks.resend.delivered', status: 'PROCESSED' });
    expect(handled.get(id)).toBe(1);
  });

  it('refuses bad, stale, wrongly signed and unsigned requests with 400, stores nothing and counts each reason', async () => {
    const before = await p.app.prisma.webhookEvent.count();
    const stale = Math.floor(Date.now() / 1000) - env.WEBHOOK_TOLERANCE_SECONDS - 60;
    const tampered = signStripe(stripeEvent(OK_TYPE));
    const cases: [string, 'stripe' | 'resend', { body: string; headers: Record<string, string> }, string][] = [
      ['stripe wrong secret', 'stripe', signStripe(stripeEvent(OK_TYPE), { secret: 'whsec_not_the_right_one' }), 'bad_signature'],
      ['stripe tampered body', 'stripe', { ...tampered, body: tampered.body.replace(OK_TYPE, FAILING_TYPE) }, 'bad_signature'],
      ['stripe stale', 'stripe', signStripe(stripeEvent(OK_TYPE), { timestamp: stale }), 'stale_signature'],
      ['stripe unsigned', 'stripe', { body: JSON.stringify(stripeEvent(OK_TYPE)), headers: { 'content-type': 'application/json' } }, 'missing_signature'],
      ['stripe signed non-JSON', 'stripe', signStripe('not json at all'), 'unreadable_body'],
      ['resend wrong secret', 'resend', signResend(resendEvent('email.sent'), { secret: `whsec_${Buffer.from('another secret entirely').toString('base64')}` }), 'bad_signature'],
      ['resend stale', 'resend', signResend(resendEvent('email.sent'), { date: new Date(stale * 1000) }), 'stale_signature'],
      ['resend unsigned', 'resend', { body: JSON.stringify(resendEvent('email.sent')), headers: { 'content-type': 'application/json' } }, 'missing_signature'],
      ['resend without a type', 'resend', signResend({ data: {} }), 'unreadable_body'],
    ];
    for (const [name, provider, request, reason] of cases) {
      const res = await postWebhook(p.url, provider, request);
      expect(res.status, name).toBe(400);
      expect(res.body.errors[0].extensions, name).toMatchObject({ code: 'WEBHOOK_REJECTED', reason });
    }
    expect(await p.app.prisma.webhookEvent.count()).toBe(before);

    const rows = await p.app.prisma.webhookRejection.findMany();
    const count = (provider: string, reason: string) => rows.filter((r) => r.provider === provider && r.reason === reason).reduce((n, r) => n + r.count, 0);
    expect(count('STRIPE', 'bad_signature')).toBe(2);
    expect(count('STRIPE', 'stale_signature')).toBe(1);
    expect(count('STRIPE', 'missing_signature')).toBe(1);
    expect(count('STRIPE', 'unreadable_body')).toBe(1);
    expect(count('RESEND', 'bad_signature')).toBe(1);
    expect(count('RESEND', 'stale_signature')).toBe(1);
    expect(count('RESEND', 'missing_signature')).toBe(1);
    expect(count('RESEND', 'unreadable_body')).toBe(1);
    // One row per provider, reason and hour.
    expect(new Set(rows.map((r) => `${r.provider}/${r.reason}/${r.hour.toISOString()}`)).size).toBe(rows.length);

    const res = await p.gql(`{ webhookRejections(hours: 24) { provider reason count } }`, {}, owner);
    expect(res.errors).toBeUndefined();
    expect(res.data!.webhookRejections).toEqual(
      expect.arrayContaining([
        { provider: 'STRIPE', reason: 'bad_signature', count: 2 },
        { provider: 'RESEND', reason: 'unreadable_body', count: 1 },
      ]),
    );
  });

  it('answers 413 past the body limit, 404 for an unknown provider, 405 for another method', async () => {
    const big = stripeEvent(OK_TYPE, { filler: 'x'.repeat(env.WEBHOOK_MAX_BODY_BYTES) });
    expect((await postWebhook(p.url, 'stripe', signStripe(big))).status).toBe(413);
    expect((await postWebhook(p.url, 'paypal', signStripe(stripeEvent(OK_TYPE)))).status).toBe(404);
    expect((await fetch(`${p.url}/webhooks/stripe`)).status).toBe(405);
  });
});

describe('storing', () => {
  it('stores and processes 100 identical concurrent deliveries once', async () => {
    const event = stripeEvent(OK_TYPE, { n: 100 });
    const request = signStripe(event);
    const responses = await Promise.all(Array.from({ length: 100 }, () => postWebhook(p.url, 'stripe', request)));
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(responses.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await p.app.prisma.webhookEvent.count({ where: { externalId: event.id } })).toBe(1);
    const stored = await until(() => eventByExternalId(event.id), finished, 'the event processed');
    expect(stored!.attemptsLog).toHaveLength(1);
    expect(handled.get(event.id)).toBe(1);
    // The same delivery later: 200, nothing new.
    const again = await postWebhook(p.url, 'stripe', signStripe(event));
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await p.app.prisma.webhookEvent.count({ where: { externalId: event.id } })).toBe(1);
  });

  it('announces every attempt as it starts and as it ends (webhookAttemptRecorded)', async () => {
    const seen: { eventId: string; attemptId: string; number: number; outcome: string; status: string }[] = [];
    const iterator = p.app.pubsub.subscribe('webhookAttemptRecorded');
    void (async () => {
      for await (const e of { [Symbol.asyncIterator]: () => iterator }) seen.push(e as never);
    })();
    await p.untilListening('webhookAttemptRecorded', 1);
    try {
      const event = stripeEvent(OK_TYPE);
      expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
      const stored = await until(() => eventByExternalId(event.id), finished, 'processed');
      const mine = await until(async () => seen.filter((e) => e.eventId === stored!.id), (list) => list.length >= 2, 'two announcements');
      const attemptId = stored!.attemptsLog[0]!.id;
      expect(mine).toEqual([
        { eventId: stored!.id, attemptId, number: 1, outcome: 'RUNNING', status: 'PENDING' },
        { eventId: stored!.id, attemptId, number: 1, outcome: 'SUCCEEDED', status: 'PROCESSED' },
      ]);
    } finally {
      await iterator.return?.();
    }
  });

  it('marks an event no handler wants IGNORED with the reason', async () => {
    const event = stripeEvent('test.webhooks.nobody_handles_this');
    expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
    const stored = await until(() => eventByExternalId(event.id), finished, 'the event ignored');
    expect(stored).toMatchObject({ status: 'IGNORED', attempts: 1 });
    expect(stored!.ignoredReason).toMatch(/no handler/i);
    expect(stored!.attemptsLog).toMatchObject([{ outcome: 'IGNORED' }]);
  });
});

describe('retries', () => {
  it('schedules a failed attempt with exponential backoff on the same job key, then runs it', async () => {
    const base = env.WEBHOOK_RETRY_BASE_MS;
    env.WEBHOOK_RETRY_BASE_MS = 3_600_000; // the retry waits: its schedule can be read
    try {
      const event = stripeEvent(FLAKY_TYPE);
      const sentAt = Date.now();
      expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
      const failed = await until(() => eventByExternalId(event.id), (e) => e?.status === 'FAILED', 'the first attempt failed');
      expect(failed).toMatchObject({ attempts: 1, lastError: 'first attempt fails' });
      expect(failed!.attemptsLog).toMatchObject([{ number: 1, outcome: 'FAILED', error: 'first attempt fails' }]);
      // Full jitter below the first ceiling (the base).
      const next = failed!.nextAttemptAt!.getTime();
      expect(next).toBeGreaterThanOrEqual(sentAt);
      expect(next).toBeLessThanOrEqual(Date.now() + 3_600_000);
      const jobs = await p.app.prisma.$queryRawUnsafe<{ run_at: Date }[]>(
        `SELECT run_at FROM graphile_worker.jobs WHERE key = $1 AND task_identifier = 'webhookProcess'`,
        `webhook:${failed!.id}`,
      );
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.run_at.getTime()).toBe(next);

      // A manual retry runs it now (replacing the scheduled job), audited.
      const res = await p.gql(`mutation($id: ID!) { retryWebhookEvent(id: $id) { __typename } }`, { id: failed!.id }, owner);
      expect(res.errors).toBeUndefined();
      expect(res.data!.retryWebhookEvent.__typename).not.toMatch(/Error/);
      const done = await until(() => eventByExternalId(event.id), finished, 'the retry ran');
      expect(done).toMatchObject({ status: 'IGNORED', attempts: 2, ignoredReason: 'nothing to do the second time' });
      expect(done!.attemptsLog.map((a) => [a.number, a.trigger, a.outcome])).toEqual([
        [1, 'delivery', 'FAILED'],
        [2, 'retry', 'IGNORED'],
      ]);
      const audit = await p.app.prisma.auditEvent.findMany({ where: { action: 'webhookEvent.retry', targetId: failed!.id } });
      expect(audit).toHaveLength(1);
    } finally {
      env.WEBHOOK_RETRY_BASE_MS = base;
    }
  });

  it('goes DEAD after WEBHOOK_MAX_ATTEMPTS failures and announces it', async () => {
    const [base, max] = [env.WEBHOOK_RETRY_BASE_MS, env.WEBHOOK_MAX_ATTEMPTS];
    env.WEBHOOK_RETRY_BASE_MS = 20;
    env.WEBHOOK_MAX_ATTEMPTS = 3;
    const dead: unknown[] = [];
    const iterator = p.app.pubsub.subscribe('webhookEventDead');
    void (async () => {
      for await (const e of { [Symbol.asyncIterator]: () => iterator }) dead.push(e);
    })();
    await p.untilListening('webhookEventDead', 1);
    try {
      const event = stripeEvent(FAILING_TYPE);
      expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
      const stored = await until(() => eventByExternalId(event.id), (e) => e?.status === 'DEAD', 'the event dead');
      expect(stored).toMatchObject({ attempts: 3, lastError: 'the test handler always fails', nextAttemptAt: null });
      expect(stored!.attemptsLog.map((a) => [a.number, a.trigger, a.outcome])).toEqual([
        [1, 'delivery', 'FAILED'],
        [2, 'retry', 'FAILED'],
        [3, 'retry', 'FAILED'],
      ]);
      await until(async () => dead.length, (n) => n > 0, 'webhookEventDead');
      expect(dead[0]).toMatchObject({ eventId: stored!.id });

      const count = await p.gql(`{ webhookEventsRetryCount(filter: { status: [DEAD], type: "${FAILING_TYPE}" }) }`, {}, owner);
      expect(count.errors).toBeUndefined();
      expect(count.data!.webhookEventsRetryCount).toBe(1);
      // Retrying DEAD events in bulk gives them one more attempt each (and they die again here).
      const bulk = await p.gql(`mutation { retryWebhookEvents(filter: { type: "${FAILING_TYPE}" }) { __typename ... on MutationRetryWebhookEventsSuccess { data } } }`, {}, owner);
      expect(bulk.errors).toBeUndefined();
      expect(bulk.data!.retryWebhookEvents.data).toBe(1);
      const again = await until(() => eventByExternalId(event.id), (e) => e?.status === 'DEAD' && e.attempts === 4, 'the bulk retry ran');
      expect(again!.attemptsLog.at(-1)).toMatchObject({ number: 4, trigger: 'retry', outcome: 'FAILED' });
      expect(await p.app.prisma.auditEvent.count({ where: { action: 'webhookEvent.retryMany' } })).toBe(1);
    } finally {
      env.WEBHOOK_RETRY_BASE_MS = base;
      env.WEBHOOK_MAX_ATTEMPTS = max;
      await iterator.return?.();
    }
  });

  it('replays a processed event (trigger replay, audited) and refuses to retry one that did not fail', async () => {
    const event = stripeEvent(OK_TYPE);
    expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
    const stored = await until(() => eventByExternalId(event.id), finished, 'processed');
    const refused = await p.gql(`mutation($id: ID!) { retryWebhookEvent(id: $id) { __typename ... on Error { message } } }`, { id: stored!.id }, owner);
    expect(refused.data!.retryWebhookEvent.__typename).toBe('InvalidTransitionError');

    const res = await p.gql(`mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`, { id: stored!.id }, owner);
    expect(res.errors).toBeUndefined();
    const replayed = await until(() => eventByExternalId(event.id), (e) => e?.status === 'PROCESSED' && e.attempts === 2, 'replayed');
    expect(replayed!.attemptsLog.map((a) => [a.number, a.trigger, a.outcome])).toEqual([
      [1, 'delivery', 'SUCCEEDED'],
      [2, 'replay', 'SUCCEEDED'],
    ]);
    expect(handled.get(event.id)).toBe(2);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'webhookEvent.replay', targetId: stored!.id } })).toBe(1);

    const viewer = (await p.login('VIEWER')).token;
    const forbidden = await p.gql(`mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`, { id: stored!.id }, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('admin graph', () => {
  it('reads one event with its tenant and attempts (newest first) in a bounded number of statements', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Webhook Tenant' });
    const event = stripeEvent(OK_TYPE);
    expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
    const stored = await until(() => eventByExternalId(event.id), finished, 'processed');
    await p.app.prisma.webhookEvent.update({ where: { id: stored!.id }, data: { tenantId } });
    await p.gql(`mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`, { id: stored!.id }, owner);
    await until(() => eventByExternalId(event.id), (e) => e?.status === 'PROCESSED' && e.attempts === 2, 'replayed');

    await p.gql('{ me { id } }', {}, owner);
    let data: any;
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(`query($id: ID!) { webhookEvent(id: $id) { ${EVENT_FIELDS} } }`, { id: stored!.id }, owner);
      expect(res.errors).toBeUndefined();
      data = res.data!.webhookEvent;
    });
    expect(reads(sql).length, sql.join('\n')).toBeLessThanOrEqual(2);
    expect(data).toMatchObject({ id: stored!.id, provider: 'STRIPE', externalId: event.id, status: 'PROCESSED', attempts: 2, tenant: { id: tenantId, name: 'Webhook Tenant' } });
    expect(data.attemptsLog.map((a: { number: number }) => a.number)).toEqual([2, 1]);
    expect(data.payload).toEqual(event);
  });

  it('lists events with filters and sorts in one statement per page, nested attempts included', async () => {
    await p.gql('{ me { id } }', {}, owner);
    let edges: any[] = [];
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(
        `{ webhookEvents(first: 50, filter: { provider: [STRIPE], status: [PROCESSED, IGNORED] }, sort: RECEIVED_AT_ASC) { edges { node { id status receivedAt tenant { name } attemptsLog { number outcome } } } } }`,
        {},
        owner,
      );
      expect(res.errors).toBeUndefined();
      edges = res.data!.webhookEvents.edges;
    });
    expect(edges.length).toBeGreaterThan(3);
    expect(reads(sql), sql.join('\n')).toHaveLength(1);
    const times = edges.map((e) => Date.parse(e.node.receivedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(edges.every((e) => ['PROCESSED', 'IGNORED'].includes(e.node.status))).toBe(true);

    const tenantEvent = await p.app.prisma.webhookEvent.findFirstOrThrow({ where: { tenantId: { not: null } } });
    const byTenant = await p.gql(`query($t: ID!) { webhookEvents(first: 50, filter: { tenantId: $t }) { totalCount edges { node { id tenant { id } } } } }`, { t: tenantEvent.tenantId }, owner);
    expect(byTenant.errors).toBeUndefined();
    expect(byTenant.data!.webhookEvents.edges.map((e: any) => e.node)).toEqual([{ id: tenantEvent.id, tenant: { id: tenantEvent.tenantId } }]);

    const bad = await p.gql(`{ webhookEvents(first: 5, filter: { receivedFrom: "2030-01-01T00:00:00Z", receivedTo: "2020-01-01T00:00:00Z" }) { totalCount } }`, {}, owner);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const csv = await fetch(`${p.url}/exports/webhook-events.csv?provider=STRIPE`, { headers: { authorization: `Bearer ${owner}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toMatch(/^id,provider,externalId,type,status/);
  });

  it('reports where each secret comes from, never the secret, and clears it (audited)', async () => {
    const res = await p.gql(`{ webhookSecrets { provider configured source updatedAt } }`, {}, owner);
    expect(res.errors).toBeUndefined();
    expect(res.data!.webhookSecrets).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'STRIPE', configured: true, source: 'SETTINGS' })]),
    );
    expect(JSON.stringify(res)).not.toContain(TEST_STRIPE_SECRET);
    const row = await p.app.prisma.webhookSecret.findUniqueOrThrow({ where: { provider: 'RESEND' } });
    expect(row.secretEncrypted).not.toContain(TEST_RESEND_SECRET);

    const cleared = await p.gql(`mutation { clearWebhookSecret(provider: RESEND) { __typename } }`, {}, owner);
    expect(cleared.errors).toBeUndefined();
    expect(await p.app.prisma.auditEvent.count({ where: { action: { startsWith: 'webhookSecret.' } } })).toBeGreaterThanOrEqual(3);
    const after = await p.gql(`{ webhookSecrets { provider configured source } }`, {}, owner);
    expect(after.data!.webhookSecrets).toEqual(expect.arrayContaining([{ provider: 'RESEND', configured: env.RESEND_WEBHOOK_SECRET ? true : false, source: env.RESEND_WEBHOOK_SECRET ? 'ENV' : 'NONE' }]));
    if (!env.RESEND_WEBHOOK_SECRET) {
      const refused = await postWebhook(p.url, 'resend', signResend(resendEvent('email.sent')));
      expect(refused.status).toBe(503);
      expect(refused.body.errors[0].extensions.code).toBe('WEBHOOK_NOT_CONFIGURED');
    }
    const restored = await p.gql(`mutation($s: String!) { setWebhookSecret(provider: RESEND, secret: $s) { __typename } }`, { s: TEST_RESEND_SECRET }, owner);
    expect(restored.errors).toBeUndefined();
  });
});

describe('two admins at once', () => {
  it('retrying the same DEAD event: one retry, one typed refusal, one audit entry', async () => {
    const event = await p.app.prisma.webhookEvent.create({
      data: { provider: 'STRIPE', externalId: `evt_race_${Date.now()}`, type: 'race.nobody.handles', payload: {}, status: 'DEAD', attempts: 3 },
    });
    const other = (await p.login('ADMIN')).token;
    const RETRY = `mutation($id: ID!) { retryWebhookEvent(id: $id) { __typename } }`;
    const results = await Promise.all([p.gql(RETRY, { id: event.id }, owner), p.gql(RETRY, { id: event.id }, other)]);
    expect(results.map((r) => r.data!.retryWebhookEvent.__typename).sort()).toEqual(['InvalidTransitionError', 'MutationRetryWebhookEventSuccess']);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'webhookEvent.retry', targetId: event.id } })).toBe(1);
  });
});
