import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, ok, type TestPlatform } from '../../../test/harness.ts';
import { env } from '../../env.ts';
import { webhookHandlerFor } from '../../webhook-handlers.ts';
import type { WorkerHandle } from '../../worker/runner.ts';
import { startResendFake, type ResendFake } from './resend-fake.test-helper.ts';
import { createTemplate, emailStats, sendEmail, updateTemplate } from './service.ts';
import { TemplateError } from './templates.ts';

let p: TestPlatform;
let fake: ResendFake;
let worker: WorkerHandle;
let owner: string;
const saved = { ...env };

const WELCOME = {
  key: 'welcome', name: 'Welcome', subject: 'Welcome, {{name}}', html: '<p>Hello {{name}}</p>{{#if plan}}<p>{{plan}}</p>{{/if}}', text: 'Hello {{name}}',
  variables: [{ name: 'name', sample: 'Ada' }, { name: 'plan', sample: 'Pro' }],
};

beforeAll(async () => {
  fake = await startResendFake();
  Object.assign(env, { emailTransport: 'resend', RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: fake.url, EMAIL_RETRY_BASE_MS: 20, EMAIL_MAX_ATTEMPTS: 4 });
  p = await startPlatform({ recordQueries: true });
  worker = await p.startWorker();
  owner = (await p.login('OWNER')).token;
  await createTemplate(p.system, WELCOME);
  await createTemplate(p.system, { key: 'receipt', name: 'Receipt', transactionalRequired: true, subject: 'Receipt', html: '<p>{{amount}}</p>', text: '{{amount}}', variables: [{ name: 'amount', sample: '$1' }] });
});
afterAll(async () => {
  await p?.close();
  await fake?.close();
  Object.assign(env, saved);
});

/** Waits (no timing asserted) until the email leaves QUEUED. */
async function settled(id: string) {
  for (let i = 0; i < 500; i += 1) {
    const email = await p.app.prisma.email.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: [{ occurredAt: 'asc' }, { createdAt: 'asc' }] } } });
    if (email.status !== 'QUEUED') return email;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`email ${id} still QUEUED`);
}

const to = () => `r-${randomUUID().slice(0, 8)}@example.com`;

describe('templates', () => {
  it('refuses a syntax error and an undeclared variable with field, line and column', async () => {
    const res = await p.gql(
      `mutation($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) {
        __typename ... on TemplateError { problems { field line column message } } } }`,
      { input: { key: 'broken', name: 'Broken', subject: 'Hi {{name}}', html: '<p>\n  {{nme}}</p>', text: 'x {{#if name}}', variables: [{ name: 'name', sample: 'A' }] } },
      owner,
    );
    expect(res.data!.createEmailTemplate.__typename).toBe('TemplateError');
    const problems = res.data!.createEmailTemplate.problems;
    expect(problems).toContainEqual({ field: 'html', line: 2, column: 5, message: 'undeclared variable "nme"' });
    expect(problems.find((x: { field: string }) => x.field === 'text')).toMatchObject({ line: 1, column: 15 });
    expect(await p.app.prisma.emailTemplate.count({ where: { key: 'broken' } })).toBe(0);
  });

  it('refuses triple-stash in HTML, allows block params and loop variables', async () => {
    await expect(createTemplate(p.system, { ...WELCOME, key: 'raw', html: '{{{name}}}' })).rejects.toBeInstanceOf(TemplateError);
    await expect(
      createTemplate(p.system, {
        ...WELCOME, key: 'loop', html: '{{#each plan as |item i|}}{{item}} {{i}} {{@index}} {{../name}}{{/each}}',
      }),
    ).resolves.toMatchObject({ key: 'loop', latestVersion: 1 });
  });

  it('saves every change as a new version, escapes HTML in previews, and audits both', async () => {
    const created = ok(
      (await p.gql(
        `mutation($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) { ... on MutationCreateEmailTemplateSuccess { data { id latestVersion } } } }`,
        { input: { ...WELCOME, key: 'versioned' } }, owner,
      )).data!.createEmailTemplate,
    );
    const update = (await p.gql(
      `mutation($id: ID!, $input: UpdateEmailTemplateInput!) { updateEmailTemplate(id: $id, input: $input) {
        ... on MutationUpdateEmailTemplateSuccess { data { latestVersion versions { version subject } } } } }`,
      { id: created.id, input: { ...WELCOME, key: undefined, subject: 'Hi again, {{name}}' } }, owner,
    )).data!.updateEmailTemplate;
    expect(update.data.latestVersion).toBe(2);
    expect(update.data.versions).toEqual([{ version: 2, subject: 'Hi again, {{name}}' }, { version: 1, subject: 'Welcome, {{name}}' }]);
    const preview = await p.gql(
      `query($id: ID!) { v1: emailTemplatePreview(id: $id, version: 1) { ... on QueryEmailTemplatePreviewSuccess { data { subject html } } }
        given: emailTemplatePreview(id: $id, values: { name: "<script>x</script>" }) { ... on QueryEmailTemplatePreviewSuccess { data { subject html } } } }`,
      { id: created.id }, owner,
    );
    expect(preview.data!.v1.data).toEqual({ subject: 'Welcome, Ada', html: '<p>Hello Ada</p><p>Pro</p>' });
    expect(preview.data!.given.data.html).toBe('<p>Hello &lt;script&gt;x&lt;/script&gt;</p><p>Pro</p>');
    const audit = await p.app.prisma.auditEvent.findMany({ where: { targetId: created.id }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(['template.create', 'template.update']);
  });
});

describe('sending through Resend', () => {
  it('sends one email for one idempotency key, even when asked at once, passing the key to Resend', async () => {
    const address = to();
    const key = `welcome-${randomUUID()}`;
    const emails = await Promise.all(Array.from({ length: 8 }, () => sendEmail(p.system, { template: 'welcome', to: address, variables: { name: 'Bo', plan: 'Pro' }, idempotencyKey: key })));
    expect(new Set(emails.map((e) => e.id)).size).toBe(1);
    const email = await settled(emails[0]!.id);
    expect(email.status).toBe('SENT');
    expect(email.subject).toBe('Welcome, Bo');
    const seen = fake.requests.filter((r) => r.to === address);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.idempotencyKey).toBe(key);
    expect(seen[0]!.authorization).toBe('Bearer re_test_key');
    expect(await p.app.prisma.email.count({ where: { toAddress: address } })).toBe(1);
  });

  it('retries 500 and 429 with backoff, then is SENT', async () => {
    const address = to();
    fake.script(address, [500, 429]);
    const email = await settled((await sendEmail(p.system, { template: 'welcome', to: address, variables: { name: 'C', plan: '' } })).id);
    expect(email.status).toBe('SENT');
    expect(email.attempts).toBe(3);
    expect(email.events.map((e) => e.type)).toEqual(['queued', 'retry_scheduled', 'retry_scheduled', 'sent']);
    // Every attempt carried the same Idempotency-Key.
    expect(new Set(fake.requests.filter((r) => r.to === address).map((r) => r.idempotencyKey)).size).toBe(1);
  });

  it('fails at once with the provider reason on a 422, and after EMAIL_MAX_ATTEMPTS transient failures', async () => {
    const bad = to();
    fake.script(bad, [422]);
    const permanent = await settled((await sendEmail(p.system, { template: 'welcome', to: bad, variables: { name: 'D', plan: '' } })).id);
    expect(permanent).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(permanent.error).toContain('The `to` field must be a valid email address.');
    const down = to();
    fake.script(down, [503, 503, 503, 503, 503]);
    const transient = await settled((await sendEmail(p.system, { template: 'welcome', to: down, variables: { name: 'E', plan: '' } })).id);
    expect(transient).toMatchObject({ status: 'FAILED', attempts: 4 });
    expect(fake.requests.filter((r) => r.to === down)).toHaveLength(4);
  });

  it('treats an unreachable provider as transient: retried, then FAILED after EMAIL_MAX_ATTEMPTS', async () => {
    const closed = await startResendFake();
    await closed.close();
    Object.assign(env, { RESEND_BASE_URL: closed.url });
    try {
      const email = await settled((await sendEmail(p.system, { template: 'welcome', to: to(), variables: { name: 'N', plan: '' } })).id);
      expect(email).toMatchObject({ status: 'FAILED', attempts: 4 });
      expect(email.error).toMatch(/Unable to fetch data/);
      expect(email.events.filter((e) => e.type === 'retry_scheduled')).toHaveLength(3);
    } finally {
      Object.assign(env, { RESEND_BASE_URL: fake.url });
    }
  });

  it('retries a FAILED email once from the admin graph; another retry is a typed refusal', async () => {
    const address = to();
    fake.script(address, [422]);
    const failed = await settled((await sendEmail(p.system, { template: 'welcome', to: address, variables: { name: 'F', plan: '' } })).id);
    const RETRY = `mutation($id: ID!) { retryEmail(id: $id) { __typename ... on InvalidTransitionError { currentStatus } } }`;
    const results = await Promise.all([p.gql(RETRY, { id: failed.id }, owner), p.gql(RETRY, { id: failed.id }, owner)]);
    expect(results.map((r) => r.data!.retryEmail.__typename).sort()).toEqual(['InvalidTransitionError', 'MutationRetryEmailSuccess']);
    const after = await settled(failed.id);
    expect(after.status).toBe('SENT');
    expect(after.events.map((e) => e.type)).toContain('retried');
  });

  it('counts FAILED emails for a bulk retry and queues them again', async () => {
    const address = to();
    fake.script(address, [422, 422]);
    for (const name of ['G', 'H']) await settled((await sendEmail(p.system, { template: 'welcome', to: address, variables: { name, plan: '' } })).id);
    const filter = { recipient: address };
    const count = await p.gql(`query($f: EmailFilter) { retryableEmailCount(filter: $f) }`, { f: filter }, owner);
    expect(count.data!.retryableEmailCount).toBe(2);
    const res = await p.gql(`mutation($f: EmailFilter) { retryEmails(filter: $f) { ... on MutationRetryEmailsSuccess { data { count ids } } } }`, { f: filter }, owner);
    expect(res.data!.retryEmails.data.count).toBe(2);
    for (const id of res.data!.retryEmails.data.ids) expect((await settled(id)).status).toBe('SENT');
  });
});

describe('quota and blocked users', () => {
  it("refuses past the plan's monthly quota, or counts overage when the plan allows it", async () => {
    const { tenantId, planId } = await p.makeTenant();
    await p.app.prisma.plan.update({ where: { id: planId }, data: { emailsPerMonth: 2, emailOverage: false } });
    const send = () => p.gql(
      `mutation($input: SendTemplateEmailInput!) { sendTemplateEmail(input: $input) { __typename ... on EmailQuotaExceededError { quota } ... on MutationSendTemplateEmailSuccess { data { overage toAddress } } } }`,
      { input: { template: 'welcome', tenantId, variables: { name: 'O', plan: '' } } }, owner,
    );
    const three = await Promise.all([send(), send(), send()]);
    const kinds = three.map((r) => r.data!.sendTemplateEmail.__typename).sort();
    expect(kinds).toEqual(['EmailQuotaExceededError', 'MutationSendTemplateEmailSuccess', 'MutationSendTemplateEmailSuccess']);
    expect(three.find((r) => r.data!.sendTemplateEmail.data)!.data!.sendTemplateEmail.data.toAddress).toMatch(/@t\.example$/);
    await p.app.prisma.plan.update({ where: { id: planId }, data: { emailOverage: true } });
    const over = await send();
    expect(over.data!.sendTemplateEmail.data.overage).toBe(true);
    const usage = await p.app.prisma.emailUsage.findMany({ where: { tenantId } });
    expect(usage).toMatchObject([{ count: 3, overage: 1 }]);
  });

  it('sends a blocked user only transactional-required templates', async () => {
    const { tenantId } = await p.makeTenant();
    const user = await p.app.prisma.user.create({ data: { tenantId, externalId: 'u1', email: to(), blockedAt: new Date() } });
    const SEND = `mutation($input: SendTemplateEmailInput!) { sendTemplateEmail(input: $input) { __typename } }`;
    const refused = await p.gql(SEND, { input: { template: 'welcome', userId: user.id, variables: { name: 'U', plan: '' } } }, owner);
    expect(refused.data!.sendTemplateEmail.__typename).toBe('RecipientBlockedError');
    const receipt = await p.gql(SEND, { input: { template: 'receipt', userId: user.id, variables: { amount: '$5' } } }, owner);
    expect(receipt.data!.sendTemplateEmail.__typename).toBe('MutationSendTemplateEmailSuccess');
    const sent = await p.app.prisma.email.findFirstOrThrow({ where: { userId: user.id } });
    expect((await settled(sent.id)).status).toBe('SENT');
  });
});

describe('template versions', () => {
  it('reads the newest `first` versions, bounded, and names a bad `first`', async () => {
    const template = await createTemplate(p.system, { key: 'bounded-versions', name: 'B', subject: 'v1', html: '<p>1</p>', text: '1' });
    await updateTemplate(p.system, template.id, { subject: 'v2', html: '<p>2</p>', text: '2' });
    const read = (first: number | null) =>
      p.gql(`query($first: Int) { emailTemplates { key versions(first: $first) { version subject } } }`, { first }, owner);
    const mine = (res: Awaited<ReturnType<typeof read>>) => res.data!.emailTemplates.find((t: { key: string }) => t.key === 'bounded-versions');
    expect(mine(await read(1)).versions).toEqual([{ version: 2, subject: 'v2' }]);
    expect(mine(await read(null)).versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    for (const first of [0, 101]) {
      const bad = await read(first);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(bad.errors)).toContain('first');
    }
  });
});

describe('two admins saving one template at once', () => {
  it('both saves land as consecutive versions, each audited', async () => {
    const template = await createTemplate(p.system, { key: 'race-save', name: 'Race', subject: 'v1', html: '<p>v1</p>', text: 'v1' });
    const other = (await p.login('ADMIN')).token;
    const SAVE = `mutation($id: ID!, $s: String!) { updateEmailTemplate(id: $id, input: { subject: $s, html: "<p>x</p>", text: "x" }) { __typename } }`;
    const results = await Promise.all([p.gql(SAVE, { id: template.id, s: 'from owner' }, owner), p.gql(SAVE, { id: template.id, s: 'from admin' }, other)]);
    expect(results.map((r) => r.data!.updateEmailTemplate.__typename)).toEqual(['MutationUpdateEmailTemplateSuccess', 'MutationUpdateEmailTemplateSuccess']);
    const versions = await p.app.prisma.emailTemplateVersion.findMany({ where: { templateId: template.id }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions.slice(1).map((v) => v.subject).sort()).toEqual(['from admin', 'from owner']);
    expect((await p.app.prisma.emailTemplate.findUniqueOrThrow({ where: { id: template.id } })).latestVersion).toBe(3);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'template.update', targetId: template.id } })).toBe(2);
  });
});

describe('tracking through Resend webhooks', () => {
  const handler = () => webhookHandlerFor('RESEND', 'email.delivered')!;
  const deliver = (type: string, emailId: string, createdAt: string, extra: Record<string, unknown> = {}) => {
    const externalId = `msg_${randomUUID()}`;
    const payload = {
      type, created_at: createdAt,
      data: { email_id: emailId, created_at: '2026-12-01T10:00:00.000Z', from: env.EMAIL_FROM, to: ['x@example.com'], subject: 'Welcome', ...extra },
    };
    return { externalId, run: () => handler().handle(p.system, { id: randomUUID(), provider: 'RESEND', externalId, type, payload, receivedAt: new Date(), trigger: 'delivery' }) };
  };

  it('moves the status forward only, keeps every event on the timeline, and ignores a replay', async () => {
    const email = await settled((await sendEmail(p.system, { template: 'welcome', to: to(), variables: { name: 'T', plan: '' } })).id);
    const providerId = email.providerMessageId!;
    const opened = deliver('email.opened', providerId, '2026-12-01T10:05:00.000Z');
    expect(await opened.run()).toEqual({ outcome: 'processed' });
    // Delivered arrives after opened: the timeline has both, the status stays OPENED.
    expect(await deliver('email.delivered', providerId, '2026-12-01T10:01:00.000Z').run()).toEqual({ outcome: 'processed' });
    expect(await opened.run()).toEqual({ outcome: 'processed' });
    const res = await p.gql(`query($id: ID!) { email(id: $id) { status deliveredAt openedAt rendered { subject } events { type status } } }`, { id: email.id }, owner);
    const e = res.data!.email;
    expect(e.status).toBe('OPENED');
    expect(e.deliveredAt).toBe('2026-12-01T10:01:00.000Z');
    expect(e.openedAt).toBe('2026-12-01T10:05:00.000Z');
    expect(e.rendered.subject).toBe('Welcome, T');
    // In the order things happened (the provider's times are earlier than this test's sends), the replay not repeated.
    expect(e.events.map((x: { type: string }) => x.type)).toEqual(['delivered', 'opened', 'queued', 'sent']);
    await deliver('email.clicked', providerId, '2026-12-01T10:06:00.000Z', { click: { link: 'https://x.example' } }).run();
    await deliver('email.bounced', providerId, '2026-12-01T10:07:00.000Z', { bounce: { message: 'Mailbox full', type: 'Permanent' } }).run();
    await deliver('email.delivered', providerId, '2026-12-01T10:08:00.000Z').run();
    const final = await p.app.prisma.email.findUniqueOrThrow({ where: { id: email.id } });
    expect(final).toMatchObject({ status: 'BOUNCED', error: 'Mailbox full' });
    expect(final.deliveredAt!.toISOString()).toBe('2026-12-01T10:01:00.000Z');
  });

  it('lets an email the provider failed after sending be retried, sent again under the same Idempotency-Key', async () => {
    const email = await settled((await sendEmail(p.system, { template: 'welcome', to: to(), variables: { name: 'R', plan: '' } })).id);
    await deliver('email.failed', email.providerMessageId!, '2026-12-01T11:00:00.000Z', { failed: { reason: 'reached sending quota' } }).run();
    expect(await p.app.prisma.email.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({ status: 'FAILED', error: 'reached sending quota' });
    const retry = await p.gql(`mutation($id: ID!) { retryEmail(id: $id) { __typename } }`, { id: email.id }, owner);
    expect(retry.data!.retryEmail.__typename).toBe('MutationRetryEmailSuccess');
    const resent = await settled(email.id);
    expect(resent).toMatchObject({ status: 'SENT', providerMessageId: email.providerMessageId });
    expect(resent.events.filter((x) => x.type === 'sent')).toHaveLength(2);
  });

  it('finds an email by the tag its send carried when the event beats the stored provider id', async () => {
    const email = await settled((await sendEmail(p.system, { template: 'welcome', to: to(), variables: { name: 'E', plan: '' } })).id);
    const sentTags = fake.requests.find((r) => r.to === email.toAddress)!.body.tags;
    expect(sentTags).toEqual([{ name: 'opsgraph_email_id', value: email.id }]);
    // As if the send's response had not been stored yet: the provider's id is unknown to us.
    await p.app.prisma.email.update({ where: { id: email.id }, data: { providerMessageId: null } });
    const early = deliver('email.delivered', 're_not_stored_yet', '2026-11-20T12:00:00.000Z', { tags: { opsgraph_email_id: email.id } });
    expect(await early.run()).toEqual({ outcome: 'processed' });
    const listed = deliver('email.opened', 're_not_stored_yet', '2026-11-20T12:01:00.000Z', { tags: [{ name: 'opsgraph_email_id', value: email.id }] });
    expect(await listed.run()).toEqual({ outcome: 'processed' });
    expect(await p.app.prisma.email.findUniqueOrThrow({ where: { id: email.id } })).toMatchObject({ status: 'OPENED' });
    // A malformed tag is not a lookup.
    expect(await deliver('email.delivered', 're_other', '2026-11-20T12:02:00.000Z', { tags: { opsgraph_email_id: 'nope' } }).run()).toMatchObject({ outcome: 'ignored' });
  });

  it('ignores events for unknown emails and types that change nothing', async () => {
    expect(await deliver('email.delivered', 're_unknown', '2026-12-01T10:00:00.000Z').run()).toMatchObject({ outcome: 'ignored' });
    expect(webhookHandlerFor('RESEND', 'email.scheduled')).toBe(handler());
    expect(await deliver('email.scheduled', 're_unknown', '2026-12-01T10:00:00.000Z').run()).toMatchObject({ outcome: 'ignored' });
  });

  it('counts sent, delivered, bounced, opened and clicked per day in SQL, and bounds the range', async () => {
    const stats = await emailStats(p.system, { from: new Date('2026-11-30T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') });
    expect(stats.map((s) => s.day)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(stats[1]).toMatchObject({ delivered: 1, opened: 1, clicked: 1, bounced: 1 });
    expect(stats[0]).toMatchObject({ sent: 0, delivered: 0 });
    const bad = await p.gql(`{ emailStats(from: "2025-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { day } }`, {}, owner);
    expect(bad.errors?.[0]?.message).toMatch(/366 days/);
  });
});

describe('outbox and lists', () => {
  it('stores outbox emails as SENT without calling Resend', async () => {
    env.emailTransport = 'outbox';
    try {
      const address = to();
      const email = await settled((await sendEmail(p.system, { template: 'welcome', to: address, variables: { name: 'Box', plan: '' } })).id);
      expect(email).toMatchObject({ status: 'SENT', transport: 'outbox', html: '<p>Hello Box</p>' });
      expect(fake.requests.filter((r) => r.to === address)).toHaveLength(0);
      const list = await p.gql(`{ emails(first: 10, filter: { transport: "outbox" }) { edges { node { toAddress } } } }`, {}, owner);
      expect(list.data!.emails.edges.map((e: { node: { toAddress: string } }) => e.node.toAddress)).toContain(address);
      const csv = await fetch(`${p.url}/exports/emails.csv?transport=outbox&recipient=${encodeURIComponent(address)}`, { headers: { authorization: `Bearer ${owner}` } });
      expect(csv.status).toBe(200);
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toMatch(/^id,status,templateKey,templateVersion,toAddress/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`SENT,welcome,1,${address}`);
    } finally {
      env.emailTransport = 'resend';
    }
  });

  it('loads a page of emails, one email with its preview and timeline, and the templates with versions, in one statement each', async () => {
    // The worker shares the platform's pool: a retry it runs meanwhile would be counted too.
    await worker.stop();
    const { token } = await p.login('VIEWER');
    await p.gql('{ me { id } }', {}, token);
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(
        `{ emails(first: 50) { edges { node { id status toAddress template { key } templateVersion { version } tenant { name } events { type } } } } }`, {}, token,
      );
      expect(res.data!.emails.edges.length).toBeGreaterThan(5);
    });
    expect(sql).toHaveLength(1);
    const one = (await p.app.prisma.email.findFirstOrThrow({ where: { status: 'SENT' } })).id;
    const detail = await p.recordQueries(() =>
      p.gql(`query($id: ID!) { email(id: $id) { rendered { html } template { key } templateVersion { version variables { name } } events { type detail } } }`, { id: one }, token),
    );
    expect(detail, detail.join("\n")).toHaveLength(1);
    const templates = await p.recordQueries(() => p.gql(`{ emailTemplates { key versions { version createdBy { email } } } }`, {}, token));
    expect(templates).toHaveLength(1);
  });
});
