import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, sleep, within } from '../../../test/live-client.ts';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { replay, evaluationInstants } from './backtest.ts';
import { evaluateRule, isQuiet, loadRule, repeatAlert } from './service.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };
let viewer: { token: string };
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = await p.login('OWNER');
  viewer = await p.login('VIEWER');
  a = await p.makeTenant({ name: 'Alerts A' });
  b = await p.makeTenant({ name: 'Alerts B' });
});
afterAll(() => p.close());

/** A minute boundary two hours ago: every test's data and evaluations lie in the past, at fixed instants. */
const T0 = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
const T = (s: number) => new Date(T0 + s * 1000);

let seq = 0;
const unique = (prefix: string) => `${prefix}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;

/** Stores samples of one series straight into the metric tables. */
async function points(name: string, samples: [number, number][], labels: Record<string, string> = {}, tenantId: string | null = null) {
  const key = `${name}${JSON.stringify(Object.entries(labels).sort())}@${tenantId ?? ''}`;
  const series = await p.system.db.metricSeries.upsert({ where: { key }, create: { name, labels, key, tenantId }, update: {} });
  await p.system.db.metricPoint.createMany({ data: samples.map(([s, value]) => ({ seriesId: series.id, at: T(s), value })), skipDuplicates: true });
}

const RULE_FIELDS = 'id name signal metric task enabled severity silenced silencedUntil channelIds labelFilter groupBy windowSeconds pendingSeconds';
const CREATE = `mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { __typename
  ... on MutationCreateAlertRuleSuccess { data { ${RULE_FIELDS} } }
  ... on ValidationError { message fieldErrors { field message } } ... on ConflictError { message field } ... on Error { message } } }`;

async function createRule(input: Record<string, unknown>, token = owner.token) {
  const res = await p.gql(CREATE, { i: { name: unique('rule'), operator: 'GT', threshold: 10, windowSeconds: 60, repeatIntervalSeconds: 0, ...input } }, token);
  expect(res.data?.createAlertRule?.__typename, JSON.stringify(res)).toBe('MutationCreateAlertRuleSuccess');
  return res.data!.createAlertRule.data as { id: string; name: string };
}

const alertsOf = (ruleId: string) => p.system.db.alert.findMany({ where: { ruleId }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
const historyOf = (alertId: string) => p.system.db.alertEvent.findMany({ where: { alertId }, orderBy: [{ at: 'asc' }, { seq: 'asc' }] });
const evaluate = (ruleId: string, s: number) => evaluateRule(p.system, ruleId, T(s));

// ─── rules ───────────────────────────────────────────────────────────────────

describe('alert rules', () => {
  it('refuses invalid rules with errors naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ metric: null }, 'input.metric'],
      [{ signal: 'JOB_FAILURES_IN_A_ROW', metric: null }, 'input.task'],
      [{ metric: 'm', windowSeconds: 1 }, 'input.windowSeconds'],
      [{ metric: 'm', pendingSeconds: -1 }, 'input.pendingSeconds'],
      [{ metric: 'm', repeatIntervalSeconds: 5 }, 'input.repeatIntervalSeconds'],
      [{ metric: 'm', labelFilter: { env: { nested: true } } }, 'input.labelFilter.env'],
      [{ metric: 'm', labelFilter: ['x'] }, 'input.labelFilter'],
      [{ metric: 'm', groupBy: ['not a label'] }, 'input.groupBy.0'],
      [{ metric: 'm', groupBy: ['host', 'host'] }, 'input.groupBy'],
      [{ metric: 'bad name!' }, 'input.metric'],
      [{ metric: 'm', tenantId: '00000000-0000-4000-8000-000000000000' }, 'input.tenantId'],
      [{ metric: 'm', tenantId: 'nope' }, 'input.tenantId'],
      [{ metric: 'm', channelIds: ['00000000-0000-4000-8000-000000000000'] }, 'input.channelIds'],
      [{ metric: 'm', threshold: null }, 'input.threshold'],
    ];
    for (const [input, field] of cases) {
      const res = await p.gql(CREATE, { i: { name: unique('bad'), operator: 'GT', threshold: 1, ...input } }, owner.token);
      expect(res.data?.createAlertRule.__typename, JSON.stringify({ input, res })).toBe('ValidationError');
      expect(res.data!.createAlertRule.fieldErrors.map((e: { field: string }) => e.field), JSON.stringify(input)).toContain(field);
    }
  });

  it('refuses NUL bytes in text', async () => {
    const res = await p.gql(CREATE, { i: { name: 'nul\u0000byte', metric: 'm', operator: 'GT', threshold: 1 } }, owner.token);
    expect(res.errors?.[0]?.message).toMatch(/name: must not contain NUL/);
    const description = await p.gql(CREATE, { i: { name: unique('n'), description: 'a\u0000b', metric: 'm', operator: 'GT', threshold: 1 } }, owner.token);
    expect(JSON.stringify(description)).toMatch(/description: must not contain NUL/);
  });

  it('refuses a second rule with the same name as a conflict on name', async () => {
    const rule = await createRule({ metric: 'conflict_metric' });
    const res = await p.gql(CREATE, { i: { name: rule.name, metric: 'other', operator: 'GT', threshold: 1 } }, owner.token);
    expect(res.data!.createAlertRule).toMatchObject({ __typename: 'ConflictError', field: 'name' });
  });

  it('is managed by OWNER and ADMIN only and every change is audited', async () => {
    const denied = await p.gql(CREATE, { i: { name: unique('v'), metric: 'm', operator: 'GT', threshold: 1 } }, viewer.token);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rule = await createRule({ metric: unique('audited'), tenantId: a.tenantId });
    const update = await p.gql(`mutation($id: ID!, $i: AlertRuleInput!) { updateAlertRule(id: $id, input: $i) { __typename ... on MutationUpdateAlertRuleSuccess { data { threshold severity } } } }`,
      { id: rule.id, i: { threshold: 20, severity: 'CRITICAL' } }, owner.token);
    expect(update.data!.updateAlertRule.data).toEqual({ threshold: 20, severity: 'CRITICAL' });
    const until = new Date(Date.now() + 3600_000).toISOString();
    const silenced = await p.gql(`mutation($id: ID!, $u: DateTime!) { silenceAlertRule(id: $id, until: $u) { __typename ... on MutationSilenceAlertRuleSuccess { data { silenced silencedUntil } } } }`,
      { id: rule.id, u: until }, owner.token);
    expect(silenced.data!.silenceAlertRule.data).toEqual({ silenced: true, silencedUntil: until });
    const past = await p.gql(`mutation($id: ID!, $u: DateTime!) { silenceAlertRule(id: $id, until: $u) { __typename ... on ValidationError { fieldErrors { field } } } }`,
      { id: rule.id, u: new Date(Date.now() - 1000).toISOString() }, owner.token);
    expect(past.data!.silenceAlertRule.fieldErrors).toEqual([{ field: 'until' }]);
    ok(await p.gql(`mutation($id: ID!) { unsilenceAlertRule(id: $id) { __typename } }`, { id: rule.id }, owner.token));
    ok(await p.gql(`mutation($id: ID!) { setAlertRuleEnabled(id: $id, enabled: false) { __typename } }`, { id: rule.id }, owner.token));
    ok(await p.gql(`mutation($id: ID!) { deleteAlertRule(id: $id) { __typename } }`, { id: rule.id }, owner.token));
    const audit = await p.system.db.auditEvent.findMany({ where: { targetId: rule.id }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    expect(audit.map((e) => e.action)).toEqual([
      'alertRule.create', 'alertRule.update', 'alertRule.silence', 'alertRule.unsilence', 'alertRule.setEnabled', 'alertRule.delete',
    ]);
    expect(audit.every((e) => e.tenantId === a.tenantId)).toBe(true);
    expect(await p.system.db.alertRule.findUnique({ where: { id: rule.id } })).toBeNull();
  });

  it('lists rules with filters and sorts, and exports them as CSV', async () => {
    const metric = unique('listed');
    await createRule({ name: `${metric}_b`, metric, severity: 'CRITICAL' });
    await createRule({ name: `${metric}_a`, metric, severity: 'INFO', enabled: false });
    const res = await p.gql(`query($f: AlertRuleFilter) { alertRules(filter: $f, sort: NAME_ASC) { totalCount edges { node { name severity enabled } } } }`,
      { f: { search: metric } }, viewer.token);
    expect(res.data!.alertRules.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([`${metric}_a`, `${metric}_b`]);
    const critical = await p.gql(`query($f: AlertRuleFilter) { alertRules(filter: $f) { totalCount } }`, { f: { search: metric, severity: ['CRITICAL'], enabled: true } }, viewer.token);
    expect(critical.data!.alertRules.totalCount).toBe(1);
    const csv = await fetch(`${p.url}/exports/alert-rules.csv?search=${metric}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n').filter(Boolean)).toHaveLength(3);
  });
});

// ─── evaluation ──────────────────────────────────────────────────────────────

describe('evaluation', () => {
  it('holds PENDING for the pending period, fires, keeps firing, then resolves; each step in the history', async () => {
    const metric = unique('latency');
    // Each sample a second before an evaluation, well inside its window whichever bound the window includes.
    await points(metric, [[-1, 50], [14, 50], [29, 50], [44, 1], [58, 1], [74, 1], [89, 1]]);
    const rule = await createRule({ metric, aggregation: 'MAX', windowSeconds: 10, pendingSeconds: 30, keepFiringSeconds: 30 });
    await evaluate(rule.id, 0);
    let [alert] = await alertsOf(rule.id);
    expect(alert).toMatchObject({ state: 'PENDING', value: 50 });
    const deadline = await p.system.db.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker.jobs WHERE key = ${`alert-deadline:${alert!.id}`}`;
    expect(deadline[0]!.run_at).toEqual(T(30));
    await evaluate(rule.id, 15);
    expect((await alertsOf(rule.id))[0]!.state).toBe('PENDING');
    await evaluate(rule.id, 30);
    expect((await alertsOf(rule.id))[0]).toMatchObject({ state: 'FIRING', firedAt: T(30) });
    await evaluate(rule.id, 45);
    await evaluate(rule.id, 59);
    expect((await alertsOf(rule.id))[0]!.state).toBe('FIRING');
    await evaluate(rule.id, 60);
    [alert] = await alertsOf(rule.id);
    expect(alert).toMatchObject({ state: 'RESOLVED', resolvedAt: T(60), resolvedById: null });
    expect((await historyOf(alert!.id)).map((e) => [e.kind, e.fromState, e.toState])).toEqual([
      ['PENDING', null, 'PENDING'], ['FIRING', 'PENDING', 'FIRING'], ['RESOLVED', 'FIRING', 'RESOLVED'],
    ]);
    expect(await alertsOf(rule.id)).toHaveLength(1);
  });

  it('splits by groupBy into one alert per label set', async () => {
    const metric = unique('cpu');
    await points(metric, [[0, 90]], { host: 'a', env: 'prod' });
    await points(metric, [[0, 95]], { host: 'b', env: 'prod' });
    await points(metric, [[0, 5]], { host: 'c', env: 'prod' });
    await points(metric, [[0, 99]], { host: 'd', env: 'dev' });
    const rule = await createRule({ metric, groupBy: ['host'], labelFilter: { env: 'prod' }, threshold: 80 });
    await evaluate(rule.id, 1);
    const alerts = await alertsOf(rule.id);
    expect(alerts.map((x) => (x.labels as { host: string }).host).sort()).toEqual(['a', 'b']);
    expect(alerts.every((x) => x.state === 'FIRING')).toBe(true);
  });

  it('no data: OK resolves, ALERTING fires, KEEP_STATE keeps the alert as it is', async () => {
    const metric = unique('heartbeat');
    await points(metric, [[0, 100]]);
    const okRule = await createRule({ metric, noData: 'OK', windowSeconds: 10 });
    const alerting = await createRule({ metric, noData: 'ALERTING', windowSeconds: 10, threshold: 1000 });
    const keep = await createRule({ metric, noData: 'KEEP_STATE', windowSeconds: 10 });
    for (const r of [okRule, alerting, keep]) await evaluate(r.id, 1);
    expect((await alertsOf(okRule.id)).map((x) => x.state)).toEqual(['FIRING']);
    expect(await alertsOf(alerting.id)).toEqual([]);
    for (const r of [okRule, alerting, keep]) await evaluate(r.id, 60);
    expect((await alertsOf(okRule.id)).map((x) => x.state)).toEqual(['RESOLVED']);
    expect((await alertsOf(alerting.id)).map((x) => [x.state, x.value])).toEqual([['FIRING', null]]);
    expect((await alertsOf(keep.id)).map((x) => x.state)).toEqual(['FIRING']);
  });

  it('twenty evaluations at once open one alert per rule and label set', async () => {
    const metric = unique('storm');
    await points(metric, [[0, 50]], { host: 'x' });
    await points(metric, [[0, 50]], { host: 'y' });
    const rule = await createRule({ metric, groupBy: ['host'] });
    const results = await Promise.all(Array.from({ length: 20 }, () => evaluate(rule.id, 5)));
    expect(results.reduce((n, r) => n + r!.opened, 0)).toBe(2);
    const alerts = await alertsOf(rule.id);
    expect(alerts).toHaveLength(2);
    expect(alerts.every((x) => x.state === 'FIRING')).toBe(true);
    for (const alert of alerts) expect((await historyOf(alert.id)).map((e) => e.kind)).toEqual(['FIRING']);
  });

  it('re-evaluating many firing alerts that stay firing is the same few statements as for one', async () => {
    const metric = unique('fanout');
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i}`);
    for (const host of hosts(30)) await points(metric, [[0, 50]], { host });
    const one = unique('fanout1');
    await points(one, [[0, 50]], { host: 'h0' });
    const many = await createRule({ metric, groupBy: ['host'], windowSeconds: 60 });
    const single = await createRule({ metric: one, groupBy: ['host'], windowSeconds: 60 });
    await evaluate(many.id, 1);
    await evaluate(single.id, 1);
    expect((await alertsOf(many.id)).filter((x) => x.state === 'FIRING')).toHaveLength(30);
    const run = async (ruleId: string) => {
      const rule = (await loadRule(p.system.db, ruleId))!;
      return p.recordQueries(() => evaluateRule(p.system, rule, T(20)));
    };
    const manyStatements = await run(many.id);
    const singleStatements = await run(single.id);
    expect(manyStatements.length, manyStatements.join('\n')).toBe(singleStatements.length);
    expect(manyStatements.length, manyStatements.join('\n')).toBeLessThanOrEqual(4);
    const alerts = await alertsOf(many.id);
    expect(alerts.every((x) => x.state === 'FIRING' && x.lastEvaluatedAt.getTime() === T(20).getTime() && x.lastTrueAt!.getTime() === T(20).getTime())).toBe(true);
  });

  it('isQuiet: which evaluations leave an open alert as it is', () => {
    const rule = { pendingSeconds: 30, keepFiringSeconds: 30 };
    const at = T(100);
    const alert = (state: 'PENDING' | 'FIRING', startedAt: number, lastTrueAt: number | null) =>
      ({ id: 'x', state, startedAt: T(startedAt), lastTrueAt: lastTrueAt === null ? null : T(lastTrueAt) });
    const table: [string, ReturnType<typeof alert>, boolean | null, boolean][] = [
      ['pending, still true, not yet due', alert('PENDING', 90, 95), true, true],
      ['pending, true and due: fires', alert('PENDING', 60, 95), true, false],
      ['pending, false: resolves', alert('PENDING', 90, 95), false, false],
      ['firing, still true', alert('FIRING', 0, 95), true, true],
      ['firing, first false: queues the keep-firing deadline', alert('FIRING', 0, 95), false, false],
      ['firing, false again within keep firing: queues its deadline the locked way', alert('FIRING', 0, 80), false, false],
      ['firing, false past keep firing: resolves', alert('FIRING', 0, 60), false, false],
      ['no data, KEEP_STATE', alert('FIRING', 0, 95), null, true],
      ['pending, no data', alert('PENDING', 90, 95), null, true],
    ];
    for (const [name, seen, holds, quiet] of table) expect(isQuiet(rule, seen, holds, at), name).toBe(quiet);
  });

  it('an alert that moved after it was read is not overwritten: it goes the locked way', async () => {
    const metric = unique('moved');
    await points(metric, [[0, 50]], { host: 'x' });
    const rule = await createRule({ metric, groupBy: ['host'], windowSeconds: 60 });
    await evaluate(rule.id, 1);
    const [first] = await alertsOf(rule.id);
    // Resolved by hand between the evaluation's read and its update: the guarded update skips it and the
    // locked path, finding no open alert, opens a new one for the condition that still holds.
    const loaded = (await loadRule(p.system.db, rule.id))!;
    let resolvedMeanwhile = false;
    const original = p.system.db.alert.findMany.bind(p.system.db.alert);
    const spy = p.system.db.alert as unknown as { findMany: typeof original };
    spy.findMany = (async (args: Parameters<typeof original>[0]) => {
      const rows = await original(args);
      if (!resolvedMeanwhile) {
        resolvedMeanwhile = true;
        await p.system.db.alert.update({ where: { id: first!.id }, data: { state: 'RESOLVED', resolvedAt: T(10) } });
      }
      return rows;
    }) as typeof original;
    try {
      await evaluateRule(p.system, loaded, T(20));
    } finally {
      spy.findMany = original;
    }
    const alerts = await alertsOf(rule.id);
    expect(alerts.map((x) => x.state)).toEqual(['RESOLVED', 'FIRING']);
    expect(alerts[0]!.lastEvaluatedAt.getTime()).not.toBe(T(20).getTime());
  });

  it('the backtest replays the same evaluation: its episodes are what evaluation stored', async () => {
    const metric = unique('flappy');
    const samples: [number, number][] = [];
    for (let s = 0; s <= 600; s += 5) samples.push([s, Math.floor(s / 90) % 2 === 0 ? 20 : 1]);
    await points(metric, samples, { host: 'a' });
    await points(metric, samples.map(([s, v]) => [s, 21 - v]), { host: 'b' });
    const rule = await createRule({ metric, groupBy: ['host'], windowSeconds: 30, aggregation: 'AVG', pendingSeconds: 30, keepFiringSeconds: 15 });
    const instants = evaluationInstants(T(0), T(600), 15);
    const episodes = await replay(p.system, (await loadRule(p.system.db, rule.id))!, instants);
    for (const at of instants) await evaluateRule(p.system, rule.id, at);
    const stored = (await alertsOf(rule.id)).map((x) => ({ labels: x.labels, pendingAt: x.startedAt, firedAt: x.firedAt, resolvedAt: x.resolvedAt }));
    const replayed = episodes.map((e) => ({ labels: e.labels, pendingAt: e.pendingAt, firedAt: e.firedAt, resolvedAt: e.resolvedAt }));
    const order = (list: typeof stored) => [...list].sort((x, y) => x.pendingAt.getTime() - y.pendingAt.getTime() || JSON.stringify(x.labels).localeCompare(JSON.stringify(y.labels)));
    expect(episodes.filter((e) => e.firedAt).length).toBeGreaterThan(2);
    expect(order(replayed)).toEqual(order(stored));
  });

  it('previewAlertRule counts firings over a range, bounded in evaluations', async () => {
    const metric = unique('preview');
    await points(metric, [[100, 50], [400, 50], [700, 50]]);
    const PREVIEW = `query($i: AlertRuleInput!, $f: DateTime!, $t: DateTime!) { previewAlertRule(input: $i, from: $f, to: $t) { __typename
      ... on QueryPreviewAlertRuleSuccess { data { firings evaluations stepSeconds episodes { firedAt resolvedAt } } }
      ... on ValidationError { fieldErrors { field message } } } }`;
    const res = await p.gql(PREVIEW, { i: { metric, operator: 'GT', threshold: 10, windowSeconds: 30 }, f: T(0).toISOString(), t: T(900).toISOString() }, viewer.token);
    expect(res.data!.previewAlertRule.data).toMatchObject({ firings: 3, evaluations: 61, stepSeconds: 15 });
    const tooLong = await p.gql(PREVIEW, { i: { metric, operator: 'GT', threshold: 10 }, f: new Date(T0 - 86400_000 * 2).toISOString(), t: T(0).toISOString() }, viewer.token);
    expect(tooLong.data!.previewAlertRule.fieldErrors[0].field).toBe('to');
    const bad = await p.gql(PREVIEW, { i: { operator: 'GT', threshold: 10 }, f: T(0).toISOString(), t: T(60).toISOString() }, viewer.token);
    expect(bad.data!.previewAlertRule.fieldErrors.map((e: { field: string }) => e.field)).toEqual(['input.metric']);
  });
});

// ─── by hand ─────────────────────────────────────────────────────────────────

const RESOLVE = `mutation($id: ID!, $n: String) { resolveAlert(id: $id, note: $n) { __typename ... on MutationResolveAlertSuccess { data { state resolvedById } } ... on Error { message } } }`;
const ACK = `mutation($id: ID!, $n: String) { acknowledgeAlert(id: $id, note: $n) { __typename
  ... on MutationAcknowledgeAlertSuccess { data { acknowledged acknowledgedAt acknowledgedBy { id } acknowledgeNote } } ... on Error { message } } }`;

async function firingAlert(input: Record<string, unknown> = {}) {
  const metric = unique('firing');
  await points(metric, [[0, 100]]);
  const rule = await createRule({ metric, ...input });
  await evaluate(rule.id, 1);
  const [alert] = await alertsOf(rule.id);
  expect(alert!.state).toBe('FIRING');
  return { rule, alert: alert! };
}

describe('acknowledge and resolve', () => {
  it('two admins resolving at once: one wins, one typed refusal, one audit entry', async () => {
    const { alert } = await firingAlert();
    const admin = await p.login('ADMIN');
    const results = await Promise.all([p.gql(RESOLVE, { id: alert.id, n: 'fixed' }, owner.token), p.gql(RESOLVE, { id: alert.id, n: 'me too' }, admin.token)]);
    const kinds = results.map((r) => r.data!.resolveAlert.__typename).sort();
    expect(kinds).toEqual(['InvalidTransitionError', 'MutationResolveAlertSuccess']);
    expect(await p.system.db.auditEvent.count({ where: { targetId: alert.id, action: 'alert.resolve' } })).toBe(1);
    const history = await historyOf(alert.id);
    expect(history.filter((e) => e.kind === 'RESOLVED')).toHaveLength(1);
    expect(history.at(-1)!.actorId).not.toBeNull();
  });

  it('acknowledging records who and when, once, and stops repeat notifications', async () => {
    const { alert } = await firingAlert({ repeatIntervalSeconds: 60 });
    const job = () => p.system.db.$queryRaw<{ id: string }[]>`SELECT id FROM graphile_worker.jobs WHERE key = ${`alert-repeat:${alert.id}`}`;
    expect(await job()).toHaveLength(1);
    expect(await repeatAlert(p.system, alert.id)).toBe('repeated');
    const res = await p.gql(ACK, { id: alert.id, n: 'on it' }, owner.token);
    expect(res.data!.acknowledgeAlert.data).toMatchObject({ acknowledged: true, acknowledgedBy: { id: owner.userId }, acknowledgeNote: 'on it' });
    expect(await job()).toHaveLength(0);
    expect(await repeatAlert(p.system, alert.id)).toBe('stopped');
    const again = await p.gql(ACK, { id: alert.id }, owner.token);
    expect(again.data!.acknowledgeAlert.__typename).toBe('InvalidTransitionError');
    expect((await historyOf(alert.id)).map((e) => e.kind)).toEqual(['FIRING', 'REPEATED', 'ACKNOWLEDGED']);
    expect(await p.system.db.auditEvent.count({ where: { targetId: alert.id, action: 'alert.acknowledge' } })).toBe(1);
    const tooLong = await p.gql(ACK, { id: alert.id, n: 'x'.repeat(2001) }, owner.token);
    expect(tooLong.data!.acknowledgeAlert.__typename).toBe('ValidationError');
  });

  it('a silenced rule still opens and records its alerts, and sends no repeats', async () => {
    const metric = unique('silenced');
    await points(metric, [[0, 100]]);
    const rule = await createRule({ metric, repeatIntervalSeconds: 60 });
    ok(await p.gql(`mutation($id: ID!, $u: DateTime!) { silenceAlertRule(id: $id, until: $u) { __typename } }`, { id: rule.id, u: new Date(Date.now() + 3600_000).toISOString() }, owner.token));
    await evaluate(rule.id, 1);
    const [alert] = await alertsOf(rule.id);
    expect(alert!.state).toBe('FIRING');
    expect(await repeatAlert(p.system, alert!.id)).toBe('silenced');
    expect((await historyOf(alert!.id)).map((e) => e.kind)).toEqual(['FIRING']);
  });

  it('disabling a rule resolves its open alerts', async () => {
    const { rule, alert } = await firingAlert();
    ok(await p.gql(`mutation($id: ID!) { setAlertRuleEnabled(id: $id, enabled: false) { __typename } }`, { id: rule.id }, owner.token));
    expect(await p.system.db.alert.findUnique({ where: { id: alert.id } })).toMatchObject({ state: 'RESOLVED' });
    expect(await evaluate(rule.id, 2)).toBeNull();
  });
});

// ─── job runs ────────────────────────────────────────────────────────────────

describe('job-run rules', () => {
  async function runs(task: string, list: [number, 'SUCCESS' | 'FAILURE', number][]) {
    await p.system.db.jobRun.createMany({
      data: list.map(([s, outcome, durationMs], i) => ({
        task, jobId: `${task}-${i}`, attempt: 1, queuedAt: T(s - 1), startedAt: new Date(T(s).getTime() - durationMs), finishedAt: T(s), durationMs, outcome,
      })),
    });
  }

  it('N failures in a row', async () => {
    const task = unique('nightly');
    await runs(task, [[0, 'SUCCESS', 100], [10, 'FAILURE', 100], [20, 'FAILURE', 100], [30, 'FAILURE', 100], [40, 'SUCCESS', 100]]);
    const rule = await createRule({ signal: 'JOB_FAILURES_IN_A_ROW', task, operator: 'GTE', threshold: 3 });
    await evaluate(rule.id, 25);
    expect(await alertsOf(rule.id)).toEqual([]);
    await evaluate(rule.id, 35);
    expect((await alertsOf(rule.id)).map((x) => [x.state, x.value])).toEqual([['FIRING', 3]]);
    await evaluate(rule.id, 45);
    expect((await alertsOf(rule.id)).map((x) => [x.state, x.value])).toEqual([['RESOLVED', 0]]);
  });

  it('a missed run: no success within the threshold', async () => {
    const task = unique('hourly');
    await runs(task, [[0, 'SUCCESS', 100], [60, 'FAILURE', 100]]);
    const rule = await createRule({ signal: 'JOB_SECONDS_SINCE_SUCCESS', task, operator: 'GT', threshold: 120 });
    await evaluate(rule.id, 100);
    expect(await alertsOf(rule.id)).toEqual([]);
    await evaluate(rule.id, 130);
    expect((await alertsOf(rule.id)).map((x) => [x.state, x.value])).toEqual([['FIRING', 130]]);
  });

  it('finished suspiciously fast, success rate and p95 duration', async () => {
    const task = unique('export');
    await runs(task, [[0, 'SUCCESS', 5000], [10, 'SUCCESS', 4000], [20, 'SUCCESS', 30], [30, 'FAILURE', 9000]]);
    const fast = await createRule({ signal: 'JOB_MIN_DURATION', task, operator: 'LT', threshold: 1000, windowSeconds: 60 });
    const rate = await createRule({ signal: 'JOB_SUCCESS_RATE', task, operator: 'LT', threshold: 0.8, windowSeconds: 60 });
    const slow = await createRule({ signal: 'JOB_DURATION_P95', task, operator: 'GT', threshold: 8000, windowSeconds: 60 });
    for (const r of [fast, rate, slow]) await evaluate(r.id, 31);
    expect((await alertsOf(fast.id)).map((x) => x.value)).toEqual([30]);
    expect((await alertsOf(rate.id)).map((x) => x.value)).toEqual([0.75]);
    expect((await alertsOf(slow.id))[0]!.value).toBeGreaterThan(8000);
  });
});

// ─── reads and live ──────────────────────────────────────────────────────────

describe('reads', () => {
  it('the alerts list with rule and history is one SQL statement for the page', async () => {
    const { rule } = await firingAlert();
    const query = `query($f: AlertFilter) { alerts(filter: $f, first: 20) { totalCount edges { node { id state labels rule { id name severity } history { kind at } } } } }`;
    const statements = await p.recordQueries(() => p.gql(query, { f: { open: true } }, viewer.token));
    const res = await p.gql(query, { f: { ruleId: rule.id } }, viewer.token);
    expect(res.data!.alerts.edges[0].node).toMatchObject({ state: 'FIRING', rule: { id: rule.id }, history: [{ kind: 'FIRING' }] });
    // The page (alerts joined with their rule and history) and its totalCount; nothing per row.
    const data = statements.filter((s) => /"Alert(Rule|Event)?"/.test(s));
    expect(data, data.join('\n')).toHaveLength(2);
    expect(data.filter((s) => /"AlertEvent"/.test(s) && /"AlertRule"/.test(s))).toHaveLength(1);
  });

  it('alert(id) with history, and the overview', async () => {
    const { alert } = await firingAlert({ severity: 'CRITICAL' });
    const res = await p.gql(`query($id: ID!) { alert(id: $id) { state severity rule { name } history { kind toState } ticket { id } }
      monitoringOverview { health firing pending bySeverity { severity count } } }`, { id: alert.id }, viewer.token);
    expect(res.data!.alert).toMatchObject({ state: 'FIRING', severity: 'CRITICAL', ticket: null, history: [{ kind: 'FIRING', toState: 'FIRING' }] });
    expect(res.data!.monitoringOverview.health).toBe('CRITICAL');
    expect(res.data!.monitoringOverview.firing).toBeGreaterThan(0);
  });

  it('alertEvents hears transitions of the asked severities', async () => {
    const socket = openSocket(p.url, owner.token);
    const heard = socket.subscribe(`subscription { alertEvents(severity: [CRITICAL]) { kind severity state ruleName alert { id state } } }`);
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('alertChanged', 1);
      await firingAlert({ severity: 'WARNING' });
      const { alert } = await firingAlert({ severity: 'CRITICAL' });
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(1);
      await sleep(200);
      // A rule without a pending period opens its alert FIRING: one event, never PENDING.
      expect(heard.results.map((r) => r.data.alertEvents.kind)).toEqual(['FIRING']);
      expect(heard.results[0]!.data.alertEvents).toMatchObject({ severity: 'CRITICAL', state: 'FIRING', alert: { id: alert.id } });
    } finally {
      await socket.dispose();
    }
  });

  it('viewerAlertEvents: a tenant hears its own tenant-visible alerts only, without internal fields', async () => {
    const metric = unique('tenant_errors');
    await points(metric, [[0, 100]], {}, a.tenantId);
    await points(metric, [[0, 100]], {}, b.tenantId);
    const socketA = openSocket(p.url, a.apiKey);
    const socketB = openSocket(p.url, b.apiKey);
    const heardA = socketA.subscribe(`subscription { viewerAlertEvents { kind alertId ruleName severity state at } }`);
    const heardB = socketB.subscribe(`subscription { viewerAlertEvents { kind alertId ruleName } }`);
    try {
      await within(Promise.all([socketA.connected, socketB.connected]), 5000, 'connections');
      await p.untilListening('alertChanged', 2);
      const hidden = await createRule({ metric, tenantId: a.tenantId, tenantVisible: false });
      await evaluate(hidden.id, 1);
      const visible = await createRule({ name: unique('Errors for A'), metric, tenantId: a.tenantId, tenantVisible: true });
      await evaluate(visible.id, 1);
      await expect.poll(() => heardA.results.length, { timeout: 5000 }).toBe(1);
      await sleep(200);
      expect(heardA.results).toHaveLength(1);
      expect(heardA.results.map((r) => r.data.viewerAlertEvents.kind)).toEqual(['FIRING']);
      expect(heardB.results).toEqual([]);
      const bad = await p.gql(`subscription { viewerAlertEvents { acknowledgeNote } }`, {}, a.apiKey);
      expect(bad.errors?.[0]?.message).toMatch(/acknowledgeNote/);
    } finally {
      await socketA.dispose();
      await socketB.dispose();
    }
  });
});
