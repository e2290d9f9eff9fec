// @opsgraph/openfeature-provider against a running API: the snapshot read with a tenant key, local
// evaluation with OpenFeature's reasons and error codes, live refreshes on flagsChanged, tenant isolation,
// and what a tenant app gets while the API is out of reach.
import { OpenFeature, ProviderEvents, ProviderStatus, type Client, type EventDetails } from '@openfeature/server-sdk';
import { OpsgraphProvider } from '@opsgraph/openfeature-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../src/env.ts';
import { startServer, type ServerHandle } from '../src/http/server.ts';
import { freePort } from '../src/lib/process.ts';
import { createFlag, setFlagEnabled, setFlagRollout, setFlagRules, setFlagTenantOverride, setFlagUserOverride } from '../src/modules/flags/service.ts';
import { ok, startPlatform, type TestPlatform } from './harness.ts';
import { within } from './live-client.ts';

let p: TestPlatform;
let admin: string;
let a: { tenantId: string; apiKey: string };
let b: { tenantId: string; apiKey: string };
const ids: Record<string, string> = {};
const providers: OpsgraphProvider[] = [];

/** Quick retries, so a reconnect is a matter of milliseconds in these tests. */
const fast = { timeoutMs: 2000, retryDelayMs: 50, maxRetryDelayMs: 250 } as const;

beforeAll(async () => {
  p = await startPlatform();
  admin = (await p.login('OWNER')).token;
  a = await p.makeTenant({ name: 'Tenant A' });
  b = await p.makeTenant({ name: 'Tenant B' });
  const make = async (input: Parameters<typeof createFlag>[1]) => (ids[input.key] = (await createFlag(p.system, input)).id);
  await make({ key: 'of-disabled', type: 'BOOLEAN', enabled: false, defaultValue: false });
  await make({ key: 'of-rule', type: 'STRING', enabled: true, defaultValue: 'world', onValue: 'on' });
  await setFlagRules(p.system, ids['of-rule']!, [{ id: 'rule-nz', description: 'New Zealand', constraints: [{ attribute: 'country', operator: 'IN', values: ['NZ'] }], value: 'nz' }]);
  await make({ key: 'of-rollout', type: 'BOOLEAN', enabled: true });
  await setFlagRollout(p.system, ids['of-rollout']!, 100, 'TENANT');
  await make({ key: 'of-entitlement', type: 'BOOLEAN', enabled: true, entitlement: 'tickets' });
  await make({ key: 'of-number', type: 'NUMBER', enabled: true, defaultValue: 10, onValue: 20 });
  await make({ key: 'of-json', type: 'JSON', enabled: true, defaultValue: { limit: 1 }, onValue: { limit: 5 } });
  await make({ key: 'of-live', type: 'BOOLEAN', enabled: false });
  await make({ key: 'of-probe', type: 'BOOLEAN', enabled: false });
  await make({ key: 'of-override', type: 'STRING', enabled: true, defaultValue: 'standard', onValue: 'x' });
  await setFlagUserOverride(p.system, ids['of-rule']!, a.tenantId, 'user-vip', 'vip');
});

afterEach(async () => {
  await OpenFeature.close();
  providers.length = 0;
});

afterAll(async () => {
  await p.close();
});

/** A provider for `tenant` in its own OpenFeature domain, initialised; its client, and every event it emits. */
async function providerFor(tenant: { apiKey: string }, domain: string, url = p.url) {
  const provider = new OpsgraphProvider({ url, apiKey: tenant.apiKey, ...fast });
  providers.push(provider);
  const failed = await OpenFeature.setProviderAndWait(domain, provider).then(() => null, (error: Error) => error);
  const client = OpenFeature.getClient(domain);
  const changes: EventDetails[] = [];
  client.addHandler(ProviderEvents.ConfigurationChanged, (details) => changes.push(details!));
  return { provider, client, changes, failed };
}

/** Resolves with the first ConfigurationChanged naming `key`; the bound is the failure condition. */
function changeOf(client: Client, key: string, ms: number): Promise<EventDetails> {
  return within(
    new Promise<EventDetails>((resolve) => {
      const handler = (details?: EventDetails) => {
        if ((details?.flagsChanged as string[] | undefined)?.includes(key)) {
          client.removeHandler(ProviderEvents.ConfigurationChanged, handler);
          resolve(details!);
        }
      };
      client.addHandler(ProviderEvents.ConfigurationChanged, handler);
    }),
    ms,
    `ConfigurationChanged for ${key}`,
  );
}

/**
 * Resolves once each client's provider hears flagsChanged: a probe flag is switched (a change every tenant
 * hears) until every one of them reports it. graphql-ws does not acknowledge a subscription.
 */
async function live(platform: TestPlatform, probeId: string, ...clients: Client[]): Promise<void> {
  const heard = clients.map((client) => changeOf(client, 'of-probe', 10_000));
  let on = false;
  let done = false;
  void Promise.all(heard).finally(() => (done = true));
  for (let attempt = 0; attempt < 50 && !done; attempt += 1) {
    on = !on;
    await setFlagEnabled(platform.system, probeId, on);
    await new Promise((r) => setTimeout(r, 200));
  }
  await Promise.all(heard);
}

async function adminMutation(query: string, variables: Record<string, unknown>) {
  const res = await p.gql(query, variables, admin);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return ok(Object.values(res.data!)[0]);
}

describe('evaluating a tenant snapshot', () => {
  it('serves every flag with OpenFeature reasons, variants and the rule that decided', async () => {
    const { client, failed } = await providerFor(a, 'a');
    expect(failed).toBeNull();
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(await client.getBooleanDetails('of-disabled', true)).toMatchObject({ value: false, reason: 'DISABLED', variant: 'off' });
    expect(await client.getStringDetails('of-rule', 'x', { country: 'NZ' })).toMatchObject({
      value: 'nz', reason: 'TARGETING_MATCH', variant: 'nz', flagMetadata: { reason: 'RULE', ruleId: 'rule-nz' },
    });
    expect(await client.getStringDetails('of-rule', 'x', { country: 'AU' })).toMatchObject({ value: 'world', reason: 'DEFAULT' });
    expect(await client.getStringDetails('of-rule', 'x', { targetingKey: 'user-vip' })).toMatchObject({
      value: 'vip', reason: 'TARGETING_MATCH', flagMetadata: { reason: 'USER_OVERRIDE' },
    });
    const rollout = await client.getBooleanDetails('of-rollout', false);
    expect(rollout).toMatchObject({ value: true, reason: 'SPLIT', variant: 'on' });
    expect(rollout.flagMetadata.bucket).toEqual(expect.any(Number));
    expect(await client.getBooleanDetails('of-entitlement', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { reason: 'ENTITLEMENT' } });
    expect(await client.getNumberDetails('of-number', 0)).toMatchObject({ value: 10, reason: 'DEFAULT' });
    expect(await client.getObjectDetails('of-json', {})).toMatchObject({ value: { limit: 1 }, reason: 'DEFAULT' });
  });

  it('answers the same values as the tenant graph evaluates', async () => {
    const { client } = await providerFor(a, 'a');
    const res = await p.gql<{ flags: { key: string; value: unknown; reason: string }[] }>(
      `query($c: FlagContextInput) { flags(context: $c) { key value reason } }`,
      { c: { userId: 'user-vip', attributes: { country: 'NZ' } } },
      a.apiKey,
    );
    expect(res.errors).toBeUndefined();
    const context = { targetingKey: 'user-vip', country: 'NZ' };
    for (const flag of res.data!.flags) {
      const ours = await (typeof flag.value === 'boolean'
        ? client.getBooleanDetails(flag.key, !flag.value, context)
        : typeof flag.value === 'number'
          ? client.getNumberDetails(flag.key, -1, context)
          : typeof flag.value === 'string'
            ? client.getStringDetails(flag.key, '?', context)
            : client.getObjectDetails(flag.key, {}, context));
      expect([flag.key, ours.value, ours.flagMetadata.reason]).toEqual([flag.key, flag.value, flag.reason]);
    }
  });
});

describe('error codes', () => {
  it('answers FLAG_NOT_FOUND and TYPE_MISMATCH with the caller default', async () => {
    const { client } = await providerFor(a, 'a');
    expect(await client.getBooleanDetails('no-such-flag', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await client.getStringDetails('of-entitlement', 'dflt')).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(await client.getNumberDetails('of-json', 7)).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
  });

  it('answers PARSE_ERROR for a flag whose stored definition it cannot read, and serves the rest', async () => {
    // A rule written by a newer API (an operator this evaluator does not know), straight into the table.
    const flag = await createFlag(p.system, { key: 'of-future', type: 'BOOLEAN', enabled: true });
    await p.app.prisma.flag.update({
      where: { id: flag.id },
      data: { rules: [{ id: 'r', description: 'later', constraints: [{ attribute: 'signedUpAt', operator: 'DATE_AFTER', values: ['2030-01-01'] }], value: true, rollout: null }] },
    });
    // Any change through the API drops its cached definitions.
    await createFlag(p.system, { key: 'of-future-sibling', type: 'BOOLEAN' });
    const { client } = await providerFor(b, 'b');
    const details = await client.getBooleanDetails('of-future', true);
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(details.errorMessage).toContain('of-future');
    expect(await client.getBooleanValue('of-entitlement', false)).toBe(true);
  });

  it('answers PROVIDER_NOT_READY with the caller default when the API was never reached', async () => {
    const { client, failed } = await providerFor(a, 'down', `http://127.0.0.1:${await freePort()}`);
    expect(failed?.message).toContain('could not read the flag snapshot');
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanDetails('of-entitlement', false)).toMatchObject({ value: false, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    expect(await client.getNumberValue('of-number', 3)).toBe(3);
  });

  it('answers PROVIDER_NOT_READY for a key the API refuses', async () => {
    const { client, failed } = await providerFor({ apiKey: 'ogk_not-a-key' }, 'refused');
    expect(failed?.message).toContain('Invalid, expired or revoked credentials');
    expect(await client.getStringDetails('of-rule', 'd')).toMatchObject({ value: 'd', errorCode: 'PROVIDER_NOT_READY' });
  });
});

describe('live changes', () => {
  it('picks up a change made through the admin graph within a second', async () => {
    const { client } = await providerFor(a, 'a');
    await live(p, ids['of-probe']!, client);
    expect(await client.getBooleanValue('of-live', true)).toBe(false);
    const changed = changeOf(client, 'of-live', 1000);
    await adminMutation(`mutation($id: ID!) { setFlagEnabled(id: $id, enabled: true) { ... on MutationSetFlagEnabledSuccess { data { id } } ... on Error { message } } }`, {
      id: ids['of-live'],
    });
    const details = await changed;
    expect(details.flagsChanged).toContain('of-live');
    // Enabled, no targeting: the default (false) with reason DEFAULT instead of DISABLED.
    expect(await client.getBooleanDetails('of-live', true)).toMatchObject({ value: false, reason: 'DEFAULT' });
    const rules = changeOf(client, 'of-live', 1000);
    await adminMutation(
      `mutation($id: ID!, $rules: [FlagRuleInput!]!) { setFlagRules(id: $id, rules: $rules) { ... on MutationSetFlagRulesSuccess { data { id } } ... on Error { message } } }`,
      { id: ids['of-live'], rules: [{ id: 'everyone', constraints: [], value: true }] },
    );
    await rules;
    expect(await client.getBooleanDetails('of-live', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH', flagMetadata: { ruleId: 'everyone' } });
  });

  it("never shows tenant B tenant A's overrides", async () => {
    const ofA = await providerFor(a, 'a');
    const ofB = await providerFor(b, 'b');
    await live(p, ids['of-probe']!, ofA.client, ofB.client);
    const seenByA = changeOf(ofA.client, 'of-override', 1000);
    await adminMutation(
      `mutation($f: ID!, $t: ID!) { setFlagTenantOverride(flagId: $f, tenantId: $t, value: "tenant-a-only") { ... on MutationSetFlagTenantOverrideSuccess { data { id } } ... on Error { message } } }`,
      { f: ids['of-override'], t: a.tenantId },
    );
    await seenByA;
    expect(await ofA.client.getStringDetails('of-override', 'd')).toMatchObject({ value: 'tenant-a-only', flagMetadata: { reason: 'TENANT_OVERRIDE' } });
    // A change both tenants hear, after the override: B has caught up with everything by the time it hears it.
    const seenByB = changeOf(ofB.client, 'of-number', 1000);
    await setFlagRollout(p.system, ids['of-number']!, 0, 'TENANT');
    await seenByB;
    expect(await ofB.client.getStringDetails('of-override', 'd')).toMatchObject({ value: 'standard', reason: 'DEFAULT' });
    expect(await ofB.client.getStringValue('of-rule', 'd', { targetingKey: 'user-vip' })).toBe('world');
    expect(ofB.changes.flatMap((c) => (c.flagsChanged as string[] | undefined) ?? [])).not.toContain('of-override');
  });
});

describe('while the API is out of reach', () => {
  let own: TestPlatform;
  let restarted: ServerHandle | null = null;

  beforeAll(async () => {
    own = await startPlatform();
  });

  afterAll(async () => {
    await restarted?.close();
    await own.close();
  });

  it('keeps serving the last snapshot as STALE, and catches up when the API is back', async () => {
    const tenant = await own.makeTenant();
    const flag = await createFlag(own.system, { key: 'of-outage', type: 'STRING', enabled: true, defaultValue: 'before', onValue: 'x' });
    const probe = await createFlag(own.system, { key: 'of-probe', type: 'BOOLEAN' });
    const provider = new OpsgraphProvider({ url: own.url, apiKey: tenant.apiKey, ...fast });
    await OpenFeature.setProviderAndWait('outage', provider);
    const client = OpenFeature.getClient('outage');
    await live(own, probe.id, client);
    expect(await client.getStringDetails('of-outage', 'd')).toMatchObject({ value: 'before', reason: 'DEFAULT' });

    const stale = within(new Promise<void>((resolve) => client.addHandler(ProviderEvents.Stale, () => resolve())), 5000, 'Stale');
    const port = own.server.port;
    await own.server.close();
    await stale;
    expect(client.providerStatus).toBe(ProviderStatus.STALE);
    expect(await client.getStringDetails('of-outage', 'd')).toMatchObject({ value: 'before', reason: 'STALE' });

    // Changed while the provider cannot hear it: the event is lost, the read after reconnecting is not.
    await setFlagTenantOverride(own.system, flag.id, tenant.tenantId, 'after');
    const ready = within(new Promise<void>((resolve) => client.addHandler(ProviderEvents.Ready, () => resolve())), 5000, 'Ready');
    const caughtUp = changeOf(client, 'of-outage', 5000);
    restarted = await startServer(own.app, env, { port, host: '127.0.0.1', workerMode: 'none' });
    restarted.markBooted();
    await Promise.all([ready, caughtUp]);
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(await client.getStringDetails('of-outage', 'd')).toMatchObject({ value: 'after', reason: 'TARGETING_MATCH' });
  });
});
