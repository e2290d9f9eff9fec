// Live alerts across two API instances on one database: an alert fired by a metric point ingested on
// instance B reaches `alertEvents` subscribers on instance A; in the tenant graph, `viewerAlertEvents`
// carries a tenant's own tenant-visible alerts only, to that tenant's keys only, on every instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, sleep, within, type TestSocket } from './live-client.ts';

let a: TestPlatform;
let b: TestPlatform;
let owner: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  a = await startPlatform();
  b = await startPlatform({ databaseUrl: a.databaseUrl });
  owner = (await a.login('OWNER')).token;
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await b?.close();
  await a?.close();
});

async function connected(on: TestPlatform, token: string): Promise<TestSocket> {
  const socket = openSocket(on.url, token);
  sockets.push(socket);
  await within(socket.connected, 5000, 'connection');
  return socket;
}

let rules = 0;
/** A rule firing at once when `metric` goes over 10; returns its id and name. */
async function rule(metric: string, extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const name = `live rule ${(rules += 1)} ${Date.now()}`;
  const res = await a.gql(
    `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on MutationCreateAlertRuleSuccess { data { id } } ... on Error { message } } }`,
    { input: { name, metric, aggregation: 'MAX', windowSeconds: 60, operator: 'GT', threshold: 10, pendingSeconds: 0, severity: 'CRITICAL', ...extra } },
    owner,
  );
  const id = (res.data?.createAlertRule as { data?: { id: string } } | undefined)?.data?.id;
  if (!id) throw new Error(`createAlertRule failed: ${JSON.stringify(res)}`);
  return { id, name };
}

/** Ingests points through `on`'s POST /metrics as the owner. */
async function ingest(on: TestPlatform, points: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${on.url}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ points }),
  });
  const body = (await res.json()) as { accepted?: number };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.accepted).toBe(points.length);
}

const ALERT_EVENTS = `subscription { alertEvents { kind alertId ruleId severity state alert { id labels } } }`;
const VIEWER_ALERT_EVENTS = `subscription { viewerAlertEvents { kind alertId ruleName severity state } }`;

describe('live alerts across instances', () => {
  it('delivers an alert fired by ingest on instance B to a subscriber on instance A', async () => {
    const { id: ruleId } = await rule('live.cross');
    const socket = await connected(a, owner);
    const heard = socket.subscribe(ALERT_EVENTS);
    await a.untilListening('alertChanged', 1);
    await ingest(b, [{ name: 'live.cross', value: 50, labels: { host: 'web-1' } }]);
    await expect.poll(() => heard.results.some((r) => r.data?.alertEvents?.kind === 'FIRING'), { timeout: 10_000 }).toBe(true);
    const firing = heard.results.find((r) => r.data?.alertEvents?.kind === 'FIRING')!;
    expect(firing.errors).toBeUndefined();
    expect(firing.data.alertEvents).toMatchObject({ ruleId, severity: 'CRITICAL', state: 'FIRING', alert: { labels: {} } });
    expect(firing.data.alertEvents.alert.id).toBe(firing.data.alertEvents.alertId);
    heard.stop();
    await a.untilListening('alertChanged', 0);
  });

  it("gives tenant B's viewerAlertEvents nothing of tenant A's tenant-visible alert, which tenant A's subscribers get on both instances", async () => {
    const ta = await a.makeTenant({ name: 'Alerting A' });
    const tb = await a.makeTenant({ name: 'Alerting B' });
    const visible = await rule('live.tenant', { tenantId: ta.tenantId, tenantVisible: true });
    const hidden = await rule('live.tenant', { tenantId: ta.tenantId, tenantVisible: false });
    const ofB = await rule('live.tenant.b', { tenantId: tb.tenantId, tenantVisible: true });
    const heardByAOnA = (await connected(a, ta.apiKey)).subscribe(VIEWER_ALERT_EVENTS);
    const heardByAOnB = (await connected(b, ta.apiKey)).subscribe(VIEWER_ALERT_EVENTS);
    const heardByBOnA = (await connected(a, tb.apiKey)).subscribe(VIEWER_ALERT_EVENTS);
    const heardByBOnB = (await connected(b, tb.apiKey)).subscribe(VIEWER_ALERT_EVENTS);
    await a.untilListening('alertChanged', 2);
    await b.untilListening('alertChanged', 2);

    // Tenant A's metric goes over both of A's rules, ingested through B.
    await ingest(b, [{ name: 'live.tenant', value: 50, tenantId: ta.tenantId }]);
    const firingOf = (op: typeof heardByAOnA) => op.results.filter((r) => r.data?.viewerAlertEvents?.kind === 'FIRING');
    await expect.poll(() => firingOf(heardByAOnA).length + firingOf(heardByAOnB).length, { timeout: 10_000 }).toBe(2);
    for (const op of [heardByAOnA, heardByAOnB]) {
      expect(firingOf(op).map((r) => r.data.viewerAlertEvents)).toEqual([expect.objectContaining({ ruleName: visible.name, severity: 'CRITICAL', state: 'FIRING' })]);
      expect(JSON.stringify(op.results)).not.toContain(hidden.name);
    }
    await sleep(300);
    expect(heardByBOnA.results).toEqual([]);
    expect(heardByBOnB.results).toEqual([]);

    // Tenant B's own alert reaches B's subscribers, and A's hear nothing of it.
    const aHeard = heardByAOnA.results.length + heardByAOnB.results.length;
    await ingest(a, [{ name: 'live.tenant.b', value: 50, tenantId: tb.tenantId }]);
    await expect.poll(() => firingOf(heardByBOnA).length + firingOf(heardByBOnB).length, { timeout: 10_000 }).toBe(2);
    for (const op of [heardByBOnA, heardByBOnB]) expect(firingOf(op)[0]!.data.viewerAlertEvents.ruleName).toBe(ofB.name);
    await sleep(300);
    expect(heardByAOnA.results.length + heardByAOnB.results.length).toBe(aHeard);
    expect(JSON.stringify([...heardByBOnA.results, ...heardByBOnB.results])).not.toContain(visible.name);
  });
});
