import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type GraphQLResponse, type TestPlatform } from '../../../test/harness.ts';
import { openSocket, within } from '../../../test/live-client.ts';
import { until } from '../../../test/until.ts';
import { env } from '../../env.ts';
import { transaction } from '../../scope.ts';
import { startResendFake } from '../emails/resend-fake.test-helper.ts';
import { createTemplate, deliverEmail, sendEmail } from '../emails/service.ts';
import { assignWaiting, autoAssign } from '../tickets/assignment.ts';
import { createTicket } from '../tickets/service.ts';
import { DEFAULT_TARGETS } from '../tickets/sla.ts';
import { getSetting, resetSetting, setSetting, setTenantSetting } from './service.ts';

let p: TestPlatform;
let owner: string;
let tenant: { tenantId: string; planId: string; apiKey: string };

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = (await p.login('OWNER')).token;
  tenant = await p.makeTenant({ name: 'Settings Co' });
  await createTemplate(p.system, { key: 'settings-hello', name: 'Hello', subject: 'Hello', html: '<p>Hello</p>', text: 'Hello' });
});
afterAll(() => p.close());

const SET = `mutation($key: String!, $value: JSON!) { setSetting(key: $key, value: $value) {
  __typename
  ... on MutationSetSettingSuccess { data { key value isSet secret } }
  ... on ValidationError { message fieldErrors { field message } }
  ... on NotFoundError { resourceType resourceId }
} }`;
const RESET = `mutation($key: String!) { resetSetting(key: $key) { __typename ... on MutationResetSettingSuccess { data { key value isSet } } } }`;
const SET_TENANT = `mutation($t: ID!, $key: String!, $value: JSON!) { setTenantSetting(tenantId: $t, key: $key, value: $value) {
  __typename
  ... on MutationSetTenantSettingSuccess { data { key value globalValue overridden } }
  ... on ValidationError { fieldErrors { field message } }
  ... on NotFoundError { resourceType resourceId }
  ... on SettingNotOverridableError { key message }
} }`;
const RESET_TENANT = `mutation($t: ID!, $key: String!) { resetTenantSetting(tenantId: $t, key: $key) {
  __typename ... on MutationResetTenantSettingSuccess { data { key value overridden } } } }`;

const set = (key: string, value: unknown, token = owner) => p.gql(SET, { key, value }, token).then((r) => r.data!.setSetting);
const setTenant = (key: string, value: unknown, t = tenant.tenantId) => p.gql(SET_TENANT, { t, key, value }, owner).then((r) => r.data!.setTenantSetting);
const auditOf = (action: string, targetId: string) =>
  p.app.prisma.auditEvent.findMany({ where: { action, targetId }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });

describe('the admin graph', () => {
  it('lists the registry by category with global values, defaults and override counts', async () => {
    const res = await p.gql(`{ settings(category: EMAIL) { key category input secret tenantOverridable tenantVisible value defaultValue isSet overridesCount } }`, {}, owner);
    expect(res.errors).toBeUndefined();
    const byKey = Object.fromEntries(res.data!.settings.map((s: { key: string }) => [s.key, s]));
    expect(Object.keys(byKey)).toEqual(['email.fromAddress', 'email.resendApiKey']);
    expect(byKey['email.fromAddress']).toMatchObject({ category: 'EMAIL', input: 'TEXT', secret: false, tenantOverridable: true, value: env.EMAIL_FROM, defaultValue: env.EMAIL_FROM, isSet: false });
    expect(byKey['email.resendApiKey']).toMatchObject({ secret: true, value: null, defaultValue: null, isSet: false });

    const all = await p.gql(`{ settings { key category } }`, {}, owner);
    const categories = all.data!.settings.map((s: { category: string }) => s.category);
    expect(categories).toEqual([...categories].sort((a: string, b: string) => ['PRICING', 'EMAIL', 'SUPPORT', 'SECURITY', 'GENERAL'].indexOf(a) - ['PRICING', 'EMAIL', 'SUPPORT', 'SECURITY', 'GENERAL'].indexOf(b)));
    expect((await p.gql(`{ setting(key: "no.such") { key } }`, {}, owner)).data!.setting).toBeNull();
  });

  it('sets and resets a global value, audited with before and after, and counts overrides', async () => {
    const saved = await set('general.statusPageUrl', 'https://status.example.com');
    expect(saved).toEqual({ __typename: 'MutationSetSettingSuccess', data: { key: 'general.statusPageUrl', value: 'https://status.example.com', isSet: true, secret: false } });
    expect(await setTenant('general.statusPageUrl', 'https://status.settings-co.example')).toMatchObject({ data: { overridden: true, globalValue: 'https://status.example.com' } });
    const read = await p.gql(`{ setting(key: "general.statusPageUrl") { value isSet overridesCount updatedAt } }`, {}, owner);
    expect(read.data!.setting).toMatchObject({ value: 'https://status.example.com', isSet: true, overridesCount: 1 });

    const reset = await p.gql(RESET, { key: 'general.statusPageUrl' }, owner);
    expect(reset.data!.resetSetting.data).toEqual({ key: 'general.statusPageUrl', value: '', isSet: false });
    const again = await p.gql(RESET, { key: 'general.statusPageUrl' }, owner);
    expect(again.data!.resetSetting.__typename).toBe('MutationResetSettingSuccess');

    const entries = [...(await auditOf('setting.set', 'general.statusPageUrl')), ...(await auditOf('setting.reset', 'general.statusPageUrl'))];
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['setting.set', { key: 'general.statusPageUrl', value: '', isSet: false }, { key: 'general.statusPageUrl', value: 'https://status.example.com', isSet: true }],
      ['setting.reset', { key: 'general.statusPageUrl', value: 'https://status.example.com', isSet: true }, { key: 'general.statusPageUrl', value: '', isSet: false }],
    ]);
    expect(entries[0]!.actorType).toBe('ADMIN');
  });

  it('refuses an invalid value with the problem named under value, and an unknown key as not found', async () => {
    expect(await set('general.statusPageUrl', 'ftp://x')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'an http:// or https:// URL' }] });
    expect(await set('security.sessionTtlHours', 0)).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'more than 0 hours' }] });
    expect(await set('security.sessionTtlHours', '12')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'a number of hours' }] });
    expect(await set('support.assignmentStrategy', 'RANDOM')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'one of OFF, ROUND_ROBIN, LEAST_LOADED' }] });
    const targets = { ...DEFAULT_TARGETS, URGENT: { ...DEFAULT_TARGETS.URGENT, firstResponseMinutes: 1.5 } };
    expect(await set('support.slaDefaultTargets', targets)).toMatchObject({
      __typename: 'ValidationError', fieldErrors: [{ field: 'value.URGENT.firstResponseMinutes', message: 'first response in whole minutes' }],
    });
    expect(await set('support.slaDefaultTargets', { ...DEFAULT_TARGETS, EXTRA: {} })).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value' }] });
    expect(await set('no.suchKey', 1)).toEqual({ __typename: 'NotFoundError', resourceType: 'Setting', resourceId: 'no.suchKey' });
    expect(await p.app.prisma.setting.count({ where: { key: { in: ['security.sessionTtlHours', 'support.slaDefaultTargets'] } } })).toBe(0);
  });

  it('refuses NUL bytes in the key, in a value and in a JSON object key, naming the field', async () => {
    // Strings are refused before the operation runs; object keys in a JSON value reach the service's check.
    const literal = await p.gql(SET, { key: 'email.from\u0000Address', value: 'a@b.example' }, owner);
    expect(literal.errors?.[0]).toMatchObject({ message: '$key: must not contain NUL characters', extensions: { code: 'BAD_USER_INPUT' } });
    const nested = await p.gql(SET, { key: 'support.slaDefaultTargets', value: { HIGH: { note: 'x\u0000' } } }, owner);
    expect(nested.errors?.[0]?.message).toBe('$value.HIGH.note: must not contain NUL characters');
    const objectKey = await set('support.slaDefaultTargets', { ...DEFAULT_TARGETS, 'LOW\u0000': 1 });
    expect(objectKey).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'key "LOW": must not contain NUL characters' }] });
    // Called directly, the service names the field the same way.
    await expect(setSetting(p.system, 'email.fromAddress', 'Ops\u0000 <a@b.example>')).rejects.toMatchObject({ issues: [{ path: ['value'], message: 'must not contain NUL characters' }] });
    await expect(setSetting(p.system, 'general.\u0000', 'x')).rejects.toMatchObject({ issues: [{ path: ['key'], message: 'must not contain NUL characters' }] });
    await expect(setTenantSetting(p.system, tenant.tenantId, 'email.fromAddress', { deep: ['\u0000'] })).rejects.toMatchObject({ issues: [{ path: ['value', 'deep', '0'] }] });
    expect(await p.app.prisma.setting.count({ where: { key: 'support.slaDefaultTargets' } })).toBe(0);
  });

  it('refuses tenant values of keys without them, unknown tenants and malformed ids as typed errors', async () => {
    expect(await setTenant('security.sessionTtlHours', 2)).toEqual({ __typename: 'SettingNotOverridableError', key: 'security.sessionTtlHours', message: 'security.sessionTtlHours has no per-tenant values' });
    expect(await setTenant('email.resendApiKey', 're_x')).toMatchObject({ __typename: 'SettingNotOverridableError' });
    expect(await setTenant('email.fromAddress', 'a@b.example', '00000000-0000-4000-8000-000000000000')).toMatchObject({ __typename: 'NotFoundError', resourceType: 'Tenant' });
    expect(await setTenant('email.fromAddress', 'a@b.example', 'nope')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'tenantId', message: 'not a valid id' }] });
    expect(await setTenant('email.fromAddress', 'not an address')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value' }] });
    expect(await setTenant('no.suchKey', 1)).toMatchObject({ __typename: 'NotFoundError', resourceType: 'Setting' });
  });

  it("shows a tenant's effective values and which are its own; resetting one brings back the global value", async () => {
    const other = await p.makeTenant({ name: 'Other Co' });
    await setTenant('pricing.displayLocale', 'fr-FR', other.tenantId);
    const read = await p.gql(`query($t: ID!) { tenantSettings(tenantId: $t) { key value globalValue overridden tenantOverridable secret } }`, { t: other.tenantId }, owner);
    const byKey = Object.fromEntries(read.data!.tenantSettings.map((s: { key: string }) => [s.key, s]));
    expect(byKey['pricing.displayLocale']).toMatchObject({ value: 'fr-FR', globalValue: 'en-US', overridden: true });
    expect(byKey['security.sessionTtlHours']).toMatchObject({ overridden: false, tenantOverridable: false });
    expect(byKey['email.resendApiKey']).toBeUndefined();
    const reset = await p.gql(RESET_TENANT, { t: other.tenantId, key: 'pricing.displayLocale' }, owner);
    expect(reset.data!.resetTenantSetting.data).toEqual({ key: 'pricing.displayLocale', value: 'en-US', overridden: false });
    const audit = await p.app.prisma.auditEvent.findMany({ where: { tenantId: other.tenantId, targetType: 'TenantSetting' }, orderBy: { occurredAt: 'asc' } });
    expect(audit.map((e) => [e.action, e.before, e.after])).toEqual([
      ['tenantSetting.set', { key: 'pricing.displayLocale', value: null, overridden: false }, { key: 'pricing.displayLocale', value: 'fr-FR', overridden: true }],
      ['tenantSetting.reset', { key: 'pricing.displayLocale', value: 'fr-FR', overridden: true }, { key: 'pricing.displayLocale', value: null, overridden: false }],
    ]);
    expect((await p.gql(`{ tenantSettings(tenantId: "00000000-0000-4000-8000-000000000000") { key } }`, {}, owner)).data!.tenantSettings).toBeNull();
  });

  it('reads past the cache with fresh: a value committed elsewhere, before this process heard of it', async () => {
    await setSetting(p.system, 'general.statusPageUrl', 'https://status.one.example');
    expect(await getSetting(p.system, 'general.statusPageUrl')).toBe('https://status.one.example');
    // Written straight to the table: no settingChanged, so the cache still holds the old value.
    await p.app.prisma.setting.update({ where: { key: 'general.statusPageUrl' }, data: { value: 'https://status.two.example' } });
    expect(await getSetting(p.system, 'general.statusPageUrl')).toBe('https://status.one.example');
    expect(await getSetting(p.system, 'general.statusPageUrl', { fresh: true })).toBe('https://status.two.example');
    await resetSetting(p.system, 'general.statusPageUrl');
  });

  it('needs SETTINGS_WRITE to change a setting', async () => {
    const viewer = (await p.login('VIEWER')).token;
    const res = await p.gql(SET, { key: 'general.statusPageUrl', value: 'https://x.example' }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('publishes every change to settingChanged subscribers', async () => {
    // The settings cache of this instance listens too.
    const baseline = p.app.pubsub.listenerCount('settingChanged');
    const socket = openSocket(p.url, owner);
    const heard = socket.subscribe(`subscription { settingChanged { key tenantId kind } }`);
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('settingChanged', baseline + 1);
      await set('security.sessionTtlHours', 6);
      await setTenant('email.fromAddress', 'Settings Co <help@settings-co.example>');
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(2);
      expect(heard.results.map((r) => r.data!.settingChanged)).toEqual([
        { key: 'security.sessionTtlHours', tenantId: null, kind: 'set' },
        { key: 'email.fromAddress', tenantId: tenant.tenantId, kind: 'set' },
      ]);
    } finally {
      await socket.dispose();
      await resetSetting(p.system, 'security.sessionTtlHours');
      await p.gql(RESET_TENANT, { t: tenant.tenantId, key: 'email.fromAddress' }, owner);
    }
  });
});

describe('races on one key', () => {
  it('the same value set at once: every call succeeds, one audit entry', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => set('security.sessionTtlHours', 3)));
    expect(results.map((r) => r.__typename)).toEqual(Array(6).fill('MutationSetSettingSuccess'));
    expect(await auditOf('setting.set', 'security.sessionTtlHours').then((e) => e.filter((x) => (x.after as { value: number }).value === 3))).toHaveLength(1);
    await resetSetting(p.system, 'security.sessionTtlHours');
  });

  it('different values at once: they apply one after another, each audit entry starting where the last ended', async () => {
    const before = (await auditOf('setting.set', 'pricing.displayLocale')).length;
    const locales = ['de-DE', 'fr-FR', 'ja-JP', 'en-GB', 'es-ES'];
    const results = await Promise.all(locales.map((l) => set('pricing.displayLocale', l)));
    expect(results.every((r) => r.__typename === 'MutationSetSettingSuccess')).toBe(true);
    const entries = (await auditOf('setting.set', 'pricing.displayLocale')).slice(before);
    expect(entries).toHaveLength(5);
    // Entries are stamped with their transaction's start, not the order the lock let them in: follow the chain.
    const from = new Map(entries.map((e) => [(e.before as { value: string }).value, (e.after as { value: string }).value]));
    let value = 'en-US';
    for (let i = 0; i < entries.length; i += 1) {
      expect(from.has(value), `an entry starting from ${value}`).toBe(true);
      value = from.get(value)!;
    }
    expect((await p.app.prisma.setting.findUniqueOrThrow({ where: { key: 'pricing.displayLocale' } })).value).toBe(value);
    await resetSetting(p.system, 'pricing.displayLocale');
  });

  it('resets and tenant overrides at once: one winner records, the others change nothing', async () => {
    await setSetting(p.system, 'general.statusPageUrl', 'https://race.example');
    const resets = await Promise.all(Array.from({ length: 4 }, () => p.gql(RESET, { key: 'general.statusPageUrl' }, owner)));
    expect(resets.every((r) => r.data!.resetSetting.__typename === 'MutationResetSettingSuccess')).toBe(true);
    const resetEntries = (await auditOf('setting.reset', 'general.statusPageUrl')).filter((e) => (e.before as { value: string }).value === 'https://race.example');
    expect(resetEntries).toHaveLength(1);

    const overrides = await Promise.all(Array.from({ length: 4 }, () => setTenant('general.statusPageUrl', 'https://race-tenant.example')));
    expect(overrides.every((r) => r.__typename === 'MutationSetTenantSettingSuccess')).toBe(true);
    const entries = await p.app.prisma.auditEvent.findMany({ where: { action: 'tenantSetting.set', tenantId: tenant.tenantId, targetId: 'general.statusPageUrl' } });
    expect(entries.filter((e) => (e.after as { value: string }).value === 'https://race-tenant.example')).toHaveLength(1);
    expect(await p.app.prisma.tenantSetting.count({ where: { tenantId: tenant.tenantId, key: 'general.statusPageUrl' } })).toBe(1);
  });
});

describe('secrets', () => {
  it('are stored encrypted and never returned: not by the admin graph, the tenant graph or the audit log', async () => {
    const plaintext = 're_settings_secret_9f3k2';
    expect(await set('email.resendApiKey', plaintext)).toEqual({ __typename: 'MutationSetSettingSuccess', data: { key: 'email.resendApiKey', value: null, isSet: true, secret: true } });
    const row = await p.app.prisma.settingSecret.findUniqueOrThrow({ where: { key: 'email.resendApiKey' } });
    expect(row.encryptedValue).toMatch(/^v1\./);
    expect(row.encryptedValue).not.toContain(plaintext);
    expect(row.encryptedValue).not.toContain(Buffer.from(plaintext).toString('base64url'));
    expect(await p.app.prisma.setting.findUnique({ where: { key: 'email.resendApiKey' } })).toBeNull();
    const raw = await p.app.prisma.$queryRaw<unknown[]>`SELECT * FROM "SettingSecret"`;
    expect(JSON.stringify(raw)).not.toContain(plaintext);

    await set('email.resendApiKey', 're_settings_secret_rotated');
    await p.gql(RESET, { key: 'email.resendApiKey' }, owner);
    const answers = await Promise.all([
      p.gql(`{ settings { key value defaultValue isSet } }`, {}, owner),
      p.gql(`{ setting(key: "email.resendApiKey") { value defaultValue isSet } }`, {}, owner),
      p.gql(`query($t: ID!) { tenantSettings(tenantId: $t) { key value globalValue } }`, { t: tenant.tenantId }, owner),
      p.gql(`{ viewer { settings { key value } } }`, {}, tenant.apiKey),
    ]);
    const audit = await p.app.prisma.auditEvent.findMany({ where: { targetId: 'email.resendApiKey' }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    expect(audit.map((e) => e.action)).toEqual(['setting.set', 'setting.set', 'setting.reset']);
    expect(audit[1]).toMatchObject({ before: { key: 'email.resendApiKey', secret: true, isSet: true }, after: { key: 'email.resendApiKey', secret: true, isSet: true, changed: true } });
    for (const text of [JSON.stringify(answers), JSON.stringify(audit)]) {
      expect(text).not.toContain('re_settings_secret');
    }
    expect(answers[1].data!.setting).toEqual({ value: null, defaultValue: null, isSet: false });
  });

  it('the same secret again changes nothing and records nothing', async () => {
    await setSetting(p.system, 'email.resendApiKey', 're_same_secret');
    const count = await p.app.prisma.auditEvent.count({ where: { targetId: 'email.resendApiKey' } });
    await setSetting(p.system, 'email.resendApiKey', 're_same_secret');
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: 'email.resendApiKey' } })).toBe(count);
    await resetSetting(p.system, 'email.resendApiKey');
  });
});

describe('the tenant graph', () => {
  it("shows the key's own effective values of tenant-visible settings only", async () => {
    await setSetting(p.system, 'pricing.displayLocale', 'de-DE');
    await setTenantSetting(p.system, tenant.tenantId, 'pricing.displayLocale', 'fr-FR');
    const other = await p.makeTenant({ name: 'Neighbour' });
    const [mine, theirs] = await Promise.all([tenant, other].map((t) => p.gql(`{ viewer { settings { key category value } } }`, {}, t.apiKey)));
    const values = (res: GraphQLResponse) => Object.fromEntries(res.data!.viewer.settings.map((s: { key: string; value: unknown }) => [s.key, s.value]));
    expect(values(mine!)['pricing.displayLocale']).toBe('fr-FR');
    expect(values(theirs!)['pricing.displayLocale']).toBe('de-DE');
    expect(Object.keys(values(mine!)).sort()).toEqual(['email.fromAddress', 'general.statusPageUrl', 'pricing.displayLocale']);
    await resetSetting(p.system, 'pricing.displayLocale');
  });
});

describe('consumers pick up a change without a restart', () => {
  it('email: the From of the next email, a tenant’s own From for its emails', async () => {
    const send = (tenantId?: string) => sendEmail(p.system, { template: 'settings-hello', to: 'someone@example.com', tenantId });
    expect((await send()).fromAddress).toBe(env.EMAIL_FROM);
    await set('email.fromAddress', 'Ops Team <ops@example.com>');
    expect((await send()).fromAddress).toBe('Ops Team <ops@example.com>');
    await setTenant('email.fromAddress', 'Settings Co <hello@settings-co.example>');
    expect((await send(tenant.tenantId)).fromAddress).toBe('Settings Co <hello@settings-co.example>');
    expect((await send()).fromAddress).toBe('Ops Team <ops@example.com>');
    await p.gql(RESET_TENANT, { t: tenant.tenantId, key: 'email.fromAddress' }, owner);
    await resetSetting(p.system, 'email.fromAddress');
    expect((await send(tenant.tenantId)).fromAddress).toBe(env.EMAIL_FROM);
  });

  it('email: a rotated Resend key is used by the next send', async () => {
    const fake = await startResendFake();
    const saved = { emailTransport: env.emailTransport, RESEND_API_KEY: env.RESEND_API_KEY, RESEND_BASE_URL: env.RESEND_BASE_URL };
    Object.assign(env, { emailTransport: 'resend', RESEND_API_KEY: 're_from_env', RESEND_BASE_URL: fake.url });
    try {
      const deliver = async () => deliverEmail(p.system, (await sendEmail(p.system, { template: 'settings-hello', to: 'key@example.com' })).id);
      expect(await deliver()).toBe('sent');
      await set('email.resendApiKey', 're_rotated_key');
      expect(await deliver()).toBe('sent');
      await p.gql(RESET, { key: 'email.resendApiKey' }, owner);
      expect(await deliver()).toBe('sent');
      expect(fake.requests.map((r) => r.authorization)).toEqual(['Bearer re_from_env', 'Bearer re_rotated_key', 'Bearer re_from_env']);
    } finally {
      Object.assign(env, saved);
      await fake.close();
    }
  });

  it('tickets: the assignment strategy of the next ticket, and waiting tickets picked up when it is turned on', async () => {
    const admin = await p.app.prisma.adminUser.create({ data: { email: 'settings-agent@test.example', name: 'Agent', role: 'SUPPORT', passwordHash: 'x' } });
    await p.app.prisma.agentProfile.create({ data: { adminUserId: admin.id, available: true, capacity: 5 } });
    const requester = await p.app.prisma.user.create({ data: { tenantId: tenant.tenantId, externalId: 'settings-req', email: 'req@settings-co.example' } });
    const newTicket = () =>
      transaction(p.system, async (tx) => {
        const ticket = await tx.db.ticket.create({ data: { tenantId: tenant.tenantId, requesterId: requester.id, subject: 'Help', description: 'Help', source: 'ADMIN' } });
        await autoAssign(tx, ticket.id, 'created');
        return tx.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
      });
    const waiting = await newTicket();
    expect(waiting.assigneeId).toBeNull();
    await set('support.assignmentStrategy', 'ROUND_ROBIN');
    expect((await newTicket()).assigneeId).toBe(admin.id);
    // Turning it on queued the pickup of the ticket that waited (the job's work, run here).
    expect(await p.app.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'tickets:assign-waiting'`).toEqual([{ n: 1 }]);
    expect(await assignWaiting(p.system)).toEqual({ assigned: 1, more: false });
    expect((await p.gql(`{ ticketSettings { assignmentStrategy } }`, {}, owner)).data!.ticketSettings).toEqual({ assignmentStrategy: 'ROUND_ROBIN' });
    await set('support.assignmentStrategy', 'OFF');
    expect((await newTicket()).assigneeId).toBeNull();
  });

  it('tickets: the SLA targets a plan without policies starts with', async () => {
    const targets = { ...DEFAULT_TARGETS, HIGH: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 90 } };
    expect((await set('support.slaDefaultTargets', targets)).__typename).toBe('MutationSetSettingSuccess');
    const fresh = await p.makeTenant({ name: 'SLA Co' });
    await createTicket(p.system, { tenantId: fresh.tenantId, requester: { name: 'R', email: 'r@sla.example' }, subject: 'S', description: 'D', priority: 'HIGH' });
    const policy = await p.app.prisma.slaPolicy.findUniqueOrThrow({ where: { planId_priority: { planId: fresh.planId, priority: 'HIGH' } } });
    expect(policy).toMatchObject({ firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 90 });
    await resetSetting(p.system, 'support.slaDefaultTargets');
  });

  it('admins: the lifetime of sessions opened from now on', async () => {
    const hours = async () => {
      const { userId } = await p.login('VIEWER');
      const session = await p.app.prisma.adminSession.findFirstOrThrow({ where: { adminUserId: userId } });
      return (session.expiresAt.getTime() - session.createdAt.getTime()) / 3_600_000;
    };
    expect(await hours()).toBeCloseTo(env.SESSION_TTL_HOURS, 1);
    await set('security.sessionTtlHours', 2);
    expect(await hours()).toBeCloseTo(2, 1);
    await resetSetting(p.system, 'security.sessionTtlHours');
  });

  it("plans: prices formatted in the platform's locale, and in a tenant's own for its key", async () => {
    const PRICE = `query($id: ID!) { plan(id: $id) { currency monthlyPrice displayMonthlyPrice displayYearlyPrice } }`;
    const VIEWER = `{ viewer { tenant { plan { displayMonthlyPrice } } } }`;
    const plan = await p.app.prisma.plan.update({ where: { id: tenant.planId }, data: { currency: 'EUR', monthlyPrice: 4900, yearlyPrice: 49000 } });
    expect((await p.gql(PRICE, { id: plan.id }, owner)).data!.plan).toMatchObject({ displayMonthlyPrice: '€49.00', displayYearlyPrice: '€490.00' });
    await set('pricing.displayLocale', 'de-DE');
    expect((await p.gql(PRICE, { id: plan.id }, owner)).data!.plan.displayMonthlyPrice).toBe('49,00\u00a0€');
    expect((await p.gql(VIEWER, {}, tenant.apiKey)).data!.viewer.tenant.plan.displayMonthlyPrice).toBe('49,00\u00a0€');
    await setTenant('pricing.displayLocale', 'en-IE');
    expect((await p.gql(VIEWER, {}, tenant.apiKey)).data!.viewer.tenant.plan.displayMonthlyPrice).toBe('€49.00');
    expect((await p.gql(PRICE, { id: plan.id }, owner)).data!.plan.displayMonthlyPrice).toBe('49,00\u00a0€');
    expect(await set('pricing.displayLocale', 'xx-not-a-locale-at-all')).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'value', message: 'a locale such as en-US or de-DE' }] });
    await p.gql(RESET_TENANT, { t: tenant.tenantId, key: 'pricing.displayLocale' }, owner);
    await resetSetting(p.system, 'pricing.displayLocale');
  });

  it('reads settings once per request at most, however many prices a list formats', async () => {
    await Promise.all(Array.from({ length: 4 }, () => p.makeTenant()));
    const settingsStatements = (statements: string[]) => statements.filter((sql) => /"(Setting|TenantSetting|SettingSecret)"/.test(sql));
    const LIST = `{ plans(first: 50) { edges { node { displayMonthlyPrice displayYearlyPrice } } } }`;
    expect((await p.gql(LIST, {}, owner)).data!.plans.edges.length).toBeGreaterThan(4);
    // The instance's cache answers admins: no statement at all once it holds the values.
    expect(settingsStatements(await p.recordQueries(() => p.gql(LIST, {}, owner)))).toEqual([]);
    // A tenant key reads through its scoped client: the global values and its own, once for the whole request.
    const VIEWER = `{ viewer { settings { key } tenant { plan { displayMonthlyPrice displayYearlyPrice } } } }`;
    expect(settingsStatements(await p.recordQueries(() => p.gql(VIEWER, {}, tenant.apiKey)))).toHaveLength(2);
  });

  it('another instance on the same database hears the change and drops its cached value', async () => {
    const other = await startPlatform({ databaseUrl: p.databaseUrl, adminUrl: p.adminUrl });
    try {
      expect(await getSetting(other.system, 'email.fromAddress')).toBe(env.EMAIL_FROM);
      await other.untilListening('settingChanged', 1);
      await setSetting(p.system, 'email.fromAddress', 'Elsewhere <elsewhere@example.com>');
      await until(() => getSetting(other.system, 'email.fromAddress'), (v) => v === 'Elsewhere <elsewhere@example.com>', 'the other instance');
      await resetSetting(p.system, 'email.fromAddress');
      await until(() => getSetting(other.system, 'email.fromAddress'), (v) => v === env.EMAIL_FROM, 'the reset on the other instance');
    } finally {
      await other.close();
    }
  });
});
