// Flags as they change live: safeguard pauses from a real alert firing for one tenant, scheduled changes
// applied by the real worker, the definitions cache of a second instance dropped by the pub/sub, and the
// admin and tenant subscriptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { openSocket, sleep, within, type TestSocket } from '../../../test/live-client.ts';
import { revokeApiKey } from '../tenants/api-keys.ts';
import { updatePlan } from '../plans/service.ts';
import { changeTenantPlan } from '../tenants/service.ts';

let p: TestPlatform;
let q: TestPlatform;
let owner: string;
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  p = await startPlatform();
  q = await startPlatform({ databaseUrl: p.databaseUrl });
  owner = (await p.login('OWNER')).token;
  a = await p.makeTenant({ name: 'Live flags A' });
  b = await p.makeTenant({ name: 'Live flags B' });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await q?.close();
  await p?.close();
});

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

async function connected(on: TestPlatform, token: string): Promise<TestSocket> {
  const socket = openSocket(on.url, token);
  sockets.push(socket);
  await within(socket.connected, 5000, 'connection');
  return socket;
}

async function adminMutation(field: string, args: string, vars: Record<string, unknown>, select = 'id') {
  const type = `Mutation${field[0]!.toUpperCase()}${field.slice(1)}Success`;
  const res = await p.gql(`mutation(${args}) { ${field}(${Object.keys(vars).map((k) => `${k}: $${k}`).join(', ')}) { __typename ... on ${type} { data { ${select} } } ... on Error { message } } }`, vars, owner);
  expect(res.data?.[field]?.__typename, JSON.stringify(res)).toBe(type);
  return res.data![field].data;
}

const createFlag = (input: Record<string, unknown>) =>
  adminMutation('createFlag', '$input: CreateFlagInput!', { input: { key: unique('live'), type: 'BOOLEAN', enabled: true, ...input } }, 'id key');

async function tenantFlag(on: TestPlatform, apiKey: string, key: string) {
  const res = await on.gql(`{ flags { key value reason } }`, {}, apiKey);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return (res.data!.flags as { key: string; value: unknown; reason: string }[]).find((f) => f.key === key);
}

/** Ingests points through POST /metrics as the owner (the alerts module evaluates its rules at once). */
async function ingest(points: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${p.url}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ points }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const FLAGS_CHANGED = `subscription { flagsChanged { version keys } }`;

describe('safeguards', () => {
  it('pauses the rollout for the tenant whose alert fires, records and shows the pause, and resumes when it resolves', async () => {
    const metric = unique('checkout.errors').replace(/-/g, '_');
    const rule = await adminMutation('createAlertRule', '$input: AlertRuleInput!', {
      input: { name: unique('safeguard rule'), metric, aggregation: 'MAX', windowSeconds: 60, operator: 'GT', threshold: 10, pendingSeconds: 0, repeatIntervalSeconds: 0 },
    }, 'id name');
    const flag = await createFlag({ safeguardRuleIds: [rule.id] });
    await adminMutation('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: 100 });
    expect(await tenantFlag(p, a.apiKey, flag.key)).toMatchObject({ value: true, reason: 'ROLLOUT' });

    const heardByA = (await connected(p, a.apiKey)).subscribe(FLAGS_CHANGED);
    const heardByB = (await connected(p, b.apiKey)).subscribe(FLAGS_CHANGED);
    await sleep(300);

    // Tenant A's errors go over the threshold; tenant B's stay under it.
    await ingest([{ name: metric, value: 50, tenantId: a.tenantId }, { name: metric, value: 1, tenantId: b.tenantId }]);
    const firing = await p.system.db.alert.findMany({ where: { ruleId: rule.id, state: 'FIRING' } });
    expect(firing.map((alert) => alert.tenantId)).toEqual([a.tenantId]);

    expect(await tenantFlag(p, a.apiKey, flag.key)).toMatchObject({ value: false, reason: 'SAFEGUARD_PAUSED' });
    expect(await tenantFlag(p, b.apiKey, flag.key)).toMatchObject({ value: true, reason: 'ROLLOUT' });
    const explained = await p.gql(`query($k: String!, $t: ID!) { explainFlag(key: $k, tenantId: $t) { reason pausedBy trace { step matched } } }`, { k: flag.key, t: a.tenantId }, owner);
    expect(explained.data!.explainFlag).toMatchObject({ reason: 'SAFEGUARD_PAUSED', pausedBy: [rule.id] });
    const shown = await p.gql(`query($id: ID!) { flag(id: $id) { safeguardRules { id name } safeguardPauses { tenant { id name } alertRule { id name } since } } }`, { id: flag.id }, owner);
    expect(shown.data!.flag).toEqual({
      safeguardRules: [{ id: rule.id, name: rule.name }],
      safeguardPauses: [{ tenant: { id: a.tenantId, name: 'Live flags A' }, alertRule: { id: rule.id, name: rule.name }, since: firing[0]!.firedAt!.toISOString() }],
    });
    const snapshot = await p.gql(`{ flagSnapshot { version snapshot } }`, {}, a.apiKey);
    expect(snapshot.data!.flagSnapshot.snapshot.flags.find((f: { key: string }) => f.key === flag.key).pausedBy).toEqual([rule.id]);
    await expect.poll(() => heardByA.results.some((r) => r.data?.flagsChanged?.keys?.includes(flag.key)), { timeout: 5000 }).toBe(true);
    await sleep(200);
    expect(JSON.stringify(heardByB.results)).not.toContain(flag.key);

    // Resolved by hand: the pause ends and the rollout serves tenant A again.
    await adminMutation('resolveAlert', '$id: ID!', { id: firing[0]!.id });
    expect(await tenantFlag(p, a.apiKey, flag.key)).toMatchObject({ value: true, reason: 'ROLLOUT' });
    const pauses = await p.system.db.flagSafeguardPause.findMany({ where: { flagId: flag.id } });
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({ tenantId: a.tenantId, alertRuleId: rule.id, alertId: firing[0]!.id });
    expect(pauses[0]!.endedAt).not.toBeNull();
    const after = await p.gql(`query($id: ID!) { flag(id: $id) { safeguardPauses { since } } }`, { id: flag.id }, owner);
    expect(after.data!.flag.safeguardPauses).toEqual([]);
    heardByA.stop();
    heardByB.stop();
  });

  it('pauses a flag at once for an alert already firing when the rule is named later, and ends it when the rule is dropped', async () => {
    const metric = unique('latency').replace(/-/g, '_');
    const rule = await adminMutation('createAlertRule', '$input: AlertRuleInput!', {
      input: { name: unique('late rule'), metric, aggregation: 'MAX', windowSeconds: 60, operator: 'GT', threshold: 10, pendingSeconds: 0, repeatIntervalSeconds: 0 },
    }, 'id');
    await ingest([{ name: metric, value: 99, tenantId: b.tenantId }]);
    const flag = await createFlag({ entitlement: null });
    await adminMutation('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: 100 });
    await adminMutation('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { safeguardRuleIds: [rule.id] } });
    expect(await tenantFlag(p, b.apiKey, flag.key)).toMatchObject({ reason: 'SAFEGUARD_PAUSED' });
    expect(await tenantFlag(p, a.apiKey, flag.key)).toMatchObject({ reason: 'ROLLOUT' });
    await adminMutation('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { safeguardRuleIds: [] } });
    expect(await tenantFlag(p, b.apiKey, flag.key)).toMatchObject({ reason: 'ROLLOUT' });
    // Named again while the same alert still fires: paused again (the ended pause opens again).
    await adminMutation('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { safeguardRuleIds: [rule.id] } });
    expect(await tenantFlag(p, b.apiKey, flag.key)).toMatchObject({ reason: 'SAFEGUARD_PAUSED' });
    expect(await p.system.db.flagSafeguardPause.count({ where: { flagId: flag.id, endedAt: null } })).toBe(1);
  });
});

describe('scheduled changes', () => {
  it('applies a scheduled rollout change with the real worker, audited as the platform, and tells subscribers', async () => {
    const flag = await createFlag({});
    const watcher = (await connected(p, owner)).subscribe(`subscription($id: ID) { flagChanged(id: $id) { kind key tenantId flag { rollout { percentage } } } }`, { id: flag.id });
    await sleep(300);
    const runAt = new Date(Date.now() + 1500);
    const change = await adminMutation('scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!, $percentage: Float', {
      flagId: flag.id, kind: 'SET_ROLLOUT', runAt: runAt.toISOString(), percentage: 100,
    }, 'id status percentage runAt');
    expect(change).toMatchObject({ status: 'PENDING', percentage: 100 });
    const later = await adminMutation('scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!', {
      flagId: flag.id, kind: 'DISABLE', runAt: new Date(Date.now() + 2000).toISOString(),
    }, 'id');
    await adminMutation('cancelFlagChange', '$id: ID!', { id: later.id }, 'status');
    const worker = await p.startWorker();
    try {
      await expect.poll(async () => (await p.system.db.flagScheduledChange.findUniqueOrThrow({ where: { id: change.id } })).status, { timeout: 15_000, interval: 200 }).toBe('APPLIED');
      const applied = await p.system.db.flagScheduledChange.findUniqueOrThrow({ where: { id: change.id } });
      expect(applied.appliedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
      await sleep(1000);
      expect((await p.system.db.flagScheduledChange.findUniqueOrThrow({ where: { id: later.id } })).status).toBe('CANCELLED');
      expect(await tenantFlag(p, a.apiKey, flag.key)).toMatchObject({ value: true, reason: 'ROLLOUT' });
      const audit = await p.system.db.auditEvent.findMany({ where: { targetId: flag.id, action: 'flag.applyScheduledChange' } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorType: 'SYSTEM', actorId: null });
      expect(audit[0]!.diff).toMatchObject({ rolloutBasisPoints: { from: null, to: 10000 } });
      await expect.poll(() => watcher.results.map((r) => r.data?.flagChanged?.kind), { timeout: 5000 }).toContain('rolloutChanged');
      const heard = watcher.results.find((r) => r.data?.flagChanged?.kind === 'rolloutChanged')!;
      expect(heard.data.flagChanged).toEqual({ kind: 'rolloutChanged', key: flag.key, tenantId: null, flag: { rollout: { percentage: 100 } } });
    } finally {
      watcher.stop();
      await worker.stop();
    }
  });
});

describe('live evaluation', () => {
  it("drops another instance's cached definitions when a flag changes (through the Postgres pub/sub)", async () => {
    const flag = await createFlag({});
    expect(await tenantFlag(q, a.apiKey, flag.key)).toMatchObject({ value: false, reason: 'DEFAULT' });
    await adminMutation('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: 100 });
    await expect.poll(async () => (await tenantFlag(q, a.apiKey, flag.key))?.reason, { timeout: 5000, interval: 50 }).toBe('ROLLOUT');
  });

  it("tells a tenant of global changes and its own overrides with a rising version, nothing of another tenant's, and stops for a revoked key", async () => {
    const flag = await createFlag({});
    const socketA = await connected(q, a.apiKey);
    const heardByA = socketA.subscribe(FLAGS_CHANGED);
    const heardByB = (await connected(q, b.apiKey)).subscribe(FLAGS_CHANGED);
    await sleep(300);
    await adminMutation('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: false });
    await expect.poll(() => heardByA.results.length + heardByB.results.length, { timeout: 5000 }).toBe(2);
    const [first] = heardByA.results;
    expect(first!.data.flagsChanged.keys).toEqual([flag.key]);

    await adminMutation('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: true });
    await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(2);
    expect(BigInt(heardByA.results[1]!.data.flagsChanged.version)).toBeGreaterThan(BigInt(first!.data.flagsChanged.version));
    await sleep(300);
    expect(heardByB.results).toHaveLength(1);

    const key = await p.system.db.tenantApiKey.findFirstOrThrow({ where: { tenantId: a.tenantId, revokedAt: null } });
    await revokeApiKey(p.system, key.id);
    const closed = await within(socketA.closed, 3000, 'close of the revoked key\'s socket');
    expect(closed.code).toBe(4401);
  });

  it("tells a tenant when its plan changes or its plan's entitlements do (no keys, a higher version, the new facts in the snapshot), and no other tenant", async () => {
    const [c, d, other] = [await p.makeTenant(), await p.makeTenant(), await p.makeTenant()];
    const heardByC = (await connected(q, c.apiKey)).subscribe(FLAGS_CHANGED);
    const heardByD = (await connected(q, d.apiKey)).subscribe(FLAGS_CHANGED);
    const snapshot = async () => (await q.gql(`{ flagSnapshot { version snapshot } }`, {}, c.apiKey)).data!.flagSnapshot;
    const before = await snapshot();
    await sleep(300);
    await changeTenantPlan(p.system, c.tenantId, other.planId);
    await expect.poll(() => heardByC.results.length, { timeout: 5000 }).toBe(1);
    const event = heardByC.results[0]!.data.flagsChanged;
    expect(event.keys).toEqual([]);
    expect(BigInt(event.version)).toBeGreaterThan(BigInt(before.version));
    const after = await snapshot();
    expect(after.version).toBe(event.version);
    const plan = await p.system.db.plan.findUniqueOrThrow({ where: { id: other.planId } });
    expect(after.snapshot.tenant.plan).toBe(plan.code);
    await sleep(300);
    expect(heardByD.results).toEqual([]);

    // Its (new) plan gaining an entitlement in place: the same, with the entitlement in the snapshot.
    await updatePlan(p.system, other.planId, { entitlements: [...plan.entitlements, 'flags-live-extra'] });
    await expect.poll(() => heardByC.results.length, { timeout: 5000 }).toBe(2);
    const second = heardByC.results[1]!.data.flagsChanged;
    expect(second.keys).toEqual([]);
    expect(BigInt(second.version)).toBeGreaterThan(BigInt(event.version));
    expect((await snapshot()).snapshot.tenant.entitlements).toContain('flags-live-extra');
    // D's plan is another one: it hears nothing of it.
    await sleep(300);
    expect(heardByD.results).toEqual([]);
  });
});
