import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, sleep, within } from '../../../test/live-client.ts';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { createFlag, setFlagEnabled, setFlagTenantOverride } from '../flags/service.ts';
import { createPlan, updatePlan } from '../plans/service.ts';
import { changeTenantPlan } from '../tenants/service.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };
let admin: { token: string };
let viewer: { token: string };
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = await p.login('OWNER');
  admin = await p.login('ADMIN');
  viewer = await p.login('VIEWER');
  a = await p.makeTenant({ name: 'Navigation A' });
  b = await p.makeTenant({ name: 'Navigation B' });
});
afterAll(() => p.close());

let seq = 0;
/** A key prefix of its own per test: the defaults are global, and every test here shares them. */
const prefix = () => `t${++seq}${Math.random().toString(36).slice(2, 6)}`;

const ITEM = 'id key label icon path order parentId requiredEntitlement requiredFlag visible';
const ERRORS = '... on ValidationError { message fieldErrors { field message } } ... on ConflictError { message field } ... on Error { message }';
const CREATE = `mutation($i: CreateNavigationItemInput!) { createNavigationItem(input: $i) { __typename
  ... on MutationCreateNavigationItemSuccess { data { ${ITEM} } } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateNavigationItemInput!) { updateNavigationItem(id: $id, input: $i) { __typename
  ... on MutationUpdateNavigationItemSuccess { data { ${ITEM} } } ... on ValidationError { message fieldErrors { field message } } ... on Error { message } } }`;
const MOVE = `mutation($id: ID!, $parentId: ID, $position: Int!) { moveNavigationItem(id: $id, parentId: $parentId, position: $position) { __typename
  ... on MutationMoveNavigationItemSuccess { data { ${ITEM} } } ${ERRORS} } }`;
const DELETE = `mutation($id: ID!) { deleteNavigationItem(id: $id) { __typename ... on MutationDeleteNavigationItemSuccess { data { id key } } ${ERRORS} } }`;
const SET = `mutation($i: NavigationOverrideInput!) { setNavigationOverride(input: $i) { __typename
  ... on MutationSetNavigationOverrideSuccess { data { id tenantId itemKey action label order parentKey tenant { id name } } } ${ERRORS} } }`;
const REMOVE = `mutation($id: ID!) { removeNavigationOverride(id: $id) { __typename ... on MutationRemoveNavigationOverrideSuccess { data { id } } ${ERRORS} } }`;
const NODE = 'key label icon path children { key label path children { key label children { key } } }';
const PREVIEW = `query($t: ID!) { resolvedNavigation(tenantId: $t) { tenantId tree { ${NODE} } dropped { key label reason detail } } }`;
const TENANT_TREE = `{ navigation { ${NODE} } }`;

type Node = { key: string; label: string; children: Node[] };

async function create(input: Record<string, unknown>, token = owner.token) {
  const res = await p.gql(CREATE, { i: { label: input.key, path: `/${input.key}`, ...input } }, token);
  return ok<{ id: string; key: string; order: number; parentId: string | null }>(res.data!.createNavigationItem);
}

/** The tree as `key(child,child)` strings, only the roots of this test. */
const shape = (nodes: Node[], mine: string): string[] =>
  nodes
    .filter((n) => n.key.startsWith(mine))
    .map((n) => `${n.key.slice(mine.length)}${n.label === n.key ? '' : `=${n.label}`}${n.children.length ? `(${shape(n.children, mine).join(',')})` : ''}`);

async function preview(t: TestTenant, mine: string) {
  const res = await p.gql(PREVIEW, { t: t.tenantId }, owner.token);
  expect(res.errors).toBeUndefined();
  return shape(res.data!.resolvedNavigation.tree, mine);
}

async function tenantTree(t: TestTenant, mine: string) {
  const res = await p.gql(TENANT_TREE, {}, t.apiKey);
  expect(res.errors).toBeUndefined();
  return shape(res.data!.navigation, mine);
}

const setOverride = (input: Record<string, unknown>, token = owner.token) => p.gql(SET, { i: input }, token);

describe('default items', () => {
  it('creates, updates, moves and deletes items, renumbering the siblings', async () => {
    const k = prefix();
    const first = await create({ key: `${k}-a`, icon: 'home' });
    const second = await create({ key: `${k}-b` });
    const third = await create({ key: `${k}-c`, order: 0 });
    const child = await create({ key: `${k}-a.x`, parentId: first.id });
    expect(await preview(a, k)).toEqual(['-c', '-a(-a.x)', '-b']);

    const updated = await p.gql(UPDATE, { id: first.id, i: { label: 'Alpha', icon: null, requiredEntitlement: 'tickets' } }, owner.token);
    expect(ok(updated.data!.updateNavigationItem)).toMatchObject({ label: 'Alpha', icon: null, requiredEntitlement: 'tickets', key: `${k}-a` });
    expect(await preview(a, k)).toEqual(['-c', `-a=Alpha(-a.x)`, '-b']);

    // The child moves to the top level at position 0, then b moves under a.
    ok((await p.gql(MOVE, { id: child.id, parentId: null, position: 0 }, owner.token)).data!.moveNavigationItem);
    const moved = ok((await p.gql(MOVE, { id: second.id, parentId: first.id, position: 5 }, owner.token)).data!.moveNavigationItem);
    expect(moved).toMatchObject({ parentId: first.id, order: 0 });
    expect(await preview(a, k)).toEqual(['-a.x', '-c', `-a=Alpha(-b)`]);
    const orders = await p.system.db.navigationItem.findMany({ where: { key: { startsWith: k }, parentId: null }, orderBy: { order: 'asc' } });
    expect(orders.map((o) => [o.key.slice(k.length), o.order])).toEqual([['-a.x', 0], ['-c', 1], ['-a', 2]]);

    const refused = await p.gql(DELETE, { id: first.id }, owner.token);
    expect(refused.data!.deleteNavigationItem).toMatchObject({ __typename: 'ConflictError', field: 'id' });
    ok((await p.gql(DELETE, { id: second.id }, owner.token)).data!.deleteNavigationItem);
    ok((await p.gql(DELETE, { id: third.id }, owner.token)).data!.deleteNavigationItem);
    expect(await preview(a, k)).toEqual(['-a.x', '-a=Alpha']);

    const audit = await p.system.db.auditEvent.findMany({ where: { targetType: 'NavigationItem', targetId: { in: [first.id, second.id, third.id, child.id] } } });
    expect(audit.map((e) => e.action).sort()).toEqual([
      'navigationItem.create', 'navigationItem.create', 'navigationItem.create', 'navigationItem.create',
      'navigationItem.delete', 'navigationItem.delete', 'navigationItem.move', 'navigationItem.move', 'navigationItem.update',
    ]);
  });

  it('refuses bad input with typed errors naming the field', async () => {
    const k = prefix();
    const root = await create({ key: `${k}-root` });
    const mid = await create({ key: `${k}-mid`, parentId: root.id });
    const leaf = await create({ key: `${k}-leaf`, parentId: mid.id });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ key: 'Not A Key' }, 'ValidationError', 'input.key'],
      [{ key: `${k}-p`, path: 'no-slash' }, 'ValidationError', 'input.path'],
      [{ key: `${k}-i`, icon: 'Bad Icon' }, 'ValidationError', 'input.icon'],
      [{ key: `${k}-o`, order: -1 }, 'ValidationError', 'input.order'],
      [{ key: `${k}-e`, requiredEntitlement: 'NOPE!' }, 'ValidationError', 'input.requiredEntitlement'],
      [{ key: `${k}-id`, parentId: 'not-an-id' }, 'ValidationError', 'input.parentId'],
      [{ key: `${k}-unknown`, parentId: '00000000-0000-4000-8000-000000000000' }, 'ValidationError', 'input.parentId'],
      [{ key: `${k}-deep`, parentId: leaf.id }, 'ConflictError', 'parentId'],
      [{ key: `${k}-root` }, 'ConflictError', 'key'],
    ];
    for (const [input, type, field] of cases) {
      const res = await p.gql(CREATE, { i: { label: 'L', path: '/x', ...input } }, owner.token);
      const result = res.data!.createNavigationItem;
      expect(result.__typename, JSON.stringify(input)).toBe(type);
      expect(type === 'ValidationError' ? result.fieldErrors[0].field : result.field, JSON.stringify(input)).toBe(field);
    }
    // NUL bytes never reach a resolver: the variables are refused, naming the field.
    const nul = await p.gql(CREATE, { i: { key: `${k}-nul`, label: 'bad\u0000label', path: '/x' } }, owner.token);
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: '$i.label', message: 'must not contain NUL characters' }] });
    const move = async (id: string, parentId: string | null, position: number) => (await p.gql(MOVE, { id, parentId, position }, owner.token)).data!.moveNavigationItem;
    expect(await move(root.id, leaf.id, 0)).toMatchObject({ __typename: 'ConflictError', field: 'parentId' });
    expect(await move(root.id, root.id, 0)).toMatchObject({ __typename: 'ConflictError', field: 'parentId' });
    // A two-level subtree under a second-level item would make four levels.
    const other = await create({ key: `${k}-other` });
    const otherChild = await create({ key: `${k}-other.c`, parentId: other.id });
    expect(await move(mid.id, otherChild.id, 0)).toMatchObject({ __typename: 'ConflictError', field: 'parentId' });
    expect(await move(leaf.id, '00000000-0000-4000-8000-000000000000', 0)).toMatchObject({ __typename: 'ValidationError' });
    expect(await move('00000000-0000-4000-8000-000000000000', null, 0)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await move(leaf.id, null, -2)).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'position' }] });
    const update = await p.gql(UPDATE, { id: 'nope', i: { label: 'x' } }, owner.token);
    expect(update.data!.updateNavigationItem).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'id' }] });
    // A viewer reads but does not write.
    const forbidden = await p.gql(CREATE, { i: { key: `${k}-v`, label: 'v', path: '/v' } }, viewer.token);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await p.system.db.navigationItem.count({ where: { key: { startsWith: k } } })).toBe(5);
  });

  it('writes nothing and audits nothing for an update that changes nothing', async () => {
    const k = prefix();
    const item = await create({ key: `${k}-same`, label: 'Same' });
    const before = await p.system.db.auditEvent.count({ where: { targetId: item.id } });
    ok((await p.gql(UPDATE, { id: item.id, i: { label: 'Same' } }, owner.token)).data!.updateNavigationItem);
    ok((await p.gql(MOVE, { id: item.id, parentId: null, position: item.order }, owner.token)).data!.moveNavigationItem);
    expect(await p.system.db.auditEvent.count({ where: { targetId: item.id } })).toBe(before);
  });

  it('applies two admins reordering at once one after the other, with no order used twice', async () => {
    const k = prefix();
    const parent = await create({ key: `${k}-parent` });
    const kids = [];
    for (const n of [0, 1, 2, 3]) kids.push(await create({ key: `${k}-${n}`, parentId: parent.id }));
    const [r1, r2] = await Promise.all([
      p.gql(MOVE, { id: kids[3]!.id, parentId: parent.id, position: 0 }, owner.token),
      p.gql(MOVE, { id: kids[0]!.id, parentId: parent.id, position: 3 }, admin.token),
    ]);
    ok(r1.data!.moveNavigationItem);
    ok(r2.data!.moveNavigationItem);
    const rows = await p.system.db.navigationItem.findMany({ where: { parentId: parent.id }, orderBy: { order: 'asc' } });
    expect(rows.map((r) => r.order)).toEqual([0, 1, 2, 3]);
    // Whichever went first, the other applied to the tree it left: 3 is ahead of 1 and 2, 0 is last.
    expect(rows.map((r) => r.key.slice(k.length + 1))).toEqual(['3', '1', '2', '0']);
    expect(await p.system.db.auditEvent.count({ where: { action: 'navigationItem.move', targetId: { in: [kids[0]!.id, kids[3]!.id] } } })).toBe(2);
  });

  it('gives one of two admins creating the same key a conflict, and audits only the winner', async () => {
    const k = prefix();
    const results = await Promise.all([owner.token, admin.token].map((token) => p.gql(CREATE, { i: { key: `${k}-race`, label: 'Race', path: '/race' } }, token)));
    const types = results.map((r) => r.data!.createNavigationItem.__typename).sort();
    expect(types).toEqual(['ConflictError', 'MutationCreateNavigationItemSuccess']);
    expect(results.find((r) => r.data!.createNavigationItem.__typename === 'ConflictError')!.data!.createNavigationItem.field).toBe('key');
    const item = await p.system.db.navigationItem.findUniqueOrThrow({ where: { key: `${k}-race` } });
    expect(await p.system.db.auditEvent.count({ where: { targetId: item.id } })).toBe(1);
  });
});

describe('lists', () => {
  it('pages and filters the defaults and the overrides, and exports them as CSV', async () => {
    const k = prefix();
    const parent = await create({ key: `${k}-list` });
    await create({ key: `${k}-list.one`, parentId: parent.id, requiredEntitlement: 'tickets' });
    await setOverride({ tenantId: a.tenantId, itemKey: `${k}-list`, action: 'RENAME', label: 'Listed' });
    const items = await p.gql(`query($f: NavigationItemFilter) { navigationItems(first: 10, filter: $f) { totalCount edges { node { key parent { key } children { key } } } } }`, { f: { search: `${k}-list` } }, viewer.token);
    expect(items.data!.navigationItems.totalCount).toBe(2);
    expect(items.data!.navigationItems.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { key: `${k}-list`, parent: null, children: [{ key: `${k}-list.one` }] },
      { key: `${k}-list.one`, parent: { key: `${k}-list` }, children: [] },
    ]);
    const overrides = await p.gql(`query($f: NavigationOverrideFilter) { navigationOverrides(first: 10, filter: $f) { totalCount edges { node { itemKey action label } } } }`, { f: { tenantId: a.tenantId, itemKey: `${k}-list` } }, viewer.token);
    expect(overrides.data!.navigationOverrides.edges.map((e: { node: unknown }) => e.node)).toEqual([{ itemKey: `${k}-list`, action: 'RENAME', label: 'Listed' }]);
    const csv = await fetch(`${p.url}/exports/navigation-items.csv?search=${k}-list&requiredEntitlement=tickets`, { headers: { authorization: `Bearer ${owner.token}` } });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('id,key,label,icon,path,order,parentId,requiredEntitlement,requiredFlag,visible,createdAt,updatedAt');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([`${k}-list.one`]);
    const bad = await fetch(`${p.url}/exports/navigation-overrides.csv?action=EXPLODE`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(bad.status).toBe(400);
  });
});

describe('tenant overrides', () => {
  it("hides, renames, reorders and adds items for one tenant only", async () => {
    const k = prefix();
    const home = await create({ key: `${k}-home` });
    const reports = await create({ key: `${k}-reports` });
    await create({ key: `${k}-reports.daily`, parentId: reports.id });
    await create({ key: `${k}-billing` });
    expect(await preview(a, k)).toEqual(['-home', '-reports(-reports.daily)', '-billing']);

    const results = [
      await setOverride({ tenantId: a.tenantId, itemKey: `${k}-reports`, action: 'HIDE' }),
      await setOverride({ tenantId: a.tenantId, itemKey: `${k}-home`, action: 'RENAME', label: 'Start' }),
      await setOverride({ tenantId: a.tenantId, itemKey: `${k}-billing`, action: 'REORDER', order: 0 }),
      await setOverride({ tenantId: a.tenantId, itemKey: `${k}-crm`, action: 'ADD', label: 'CRM', path: '/crm', parentKey: `${k}-billing` }),
    ];
    for (const r of results) ok(r.data!.setNavigationOverride);
    expect(results[3]!.data!.setNavigationOverride.data).toMatchObject({ tenant: { id: a.tenantId, name: 'Navigation A' }, action: 'ADD', parentKey: `${k}-billing` });
    expect(await preview(a, k)).toEqual(['-billing(-crm=CRM)', '-home=Start']);
    expect(await tenantTree(a, k)).toEqual(['-billing(-crm=CRM)', '-home=Start']);
    expect(await preview(b, k)).toEqual(['-home', '-reports(-reports.daily)', '-billing']);
    expect(await tenantTree(b, k)).toEqual(['-home', '-reports(-reports.daily)', '-billing']);

    const dropped = (await p.gql(PREVIEW, { t: a.tenantId }, owner.token)).data!.resolvedNavigation.dropped.filter((d: { key: string }) => d.key.startsWith(k));
    expect(dropped).toEqual([
      { key: `${k}-reports`, label: `${k}-reports`, reason: 'HIDDEN', detail: "hidden by the tenant's override" },
      { key: `${k}-reports.daily`, label: `${k}-reports.daily`, reason: 'PARENT_DROPPED', detail: `its parent ${k}-reports is left out` },
    ]);

    // Removing the hide shows the item again; deleting a default item takes the tenants' overrides of it along.
    const hideRow = await p.system.db.navigationTenantOverride.findFirstOrThrow({ where: { tenantId: a.tenantId, itemKey: `${k}-reports`, action: 'HIDE' } });
    ok((await p.gql(REMOVE, { id: hideRow.id }, owner.token)).data!.removeNavigationOverride);
    expect(await preview(a, k)).toEqual(['-billing(-crm=CRM)', '-home=Start', '-reports(-reports.daily)']);
    ok((await p.gql(DELETE, { id: home.id }, owner.token)).data!.deleteNavigationItem);
    expect(await p.system.db.navigationTenantOverride.count({ where: { itemKey: `${k}-home` } })).toBe(0);
  });

  it('refuses overrides that break the tree, with typed errors', async () => {
    const k = prefix();
    const top = await create({ key: `${k}-top` });
    const mid = await create({ key: `${k}-mid`, parentId: top.id });
    await create({ key: `${k}-low`, parentId: mid.id });
    ok((await setOverride({ tenantId: a.tenantId, itemKey: `${k}-mine`, action: 'ADD', label: 'Mine', path: '/mine' })).data!.setNavigationOverride);
    ok((await setOverride({ tenantId: a.tenantId, itemKey: `${k}-mine.sub`, action: 'ADD', label: 'Sub', path: '/mine/sub', parentKey: `${k}-mine` })).data!.setNavigationOverride);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ itemKey: `${k}-nope`, action: 'HIDE' }, 'ValidationError', 'input.itemKey'],
      [{ itemKey: `${k}-top`, action: 'RENAME' }, 'ValidationError', 'input.label'],
      [{ itemKey: `${k}-top`, action: 'REORDER' }, 'ValidationError', 'input.order'],
      [{ itemKey: `${k}-top`, action: 'HIDE', label: 'x' }, 'ValidationError', 'input.label'],
      [{ itemKey: `${k}-top`, action: 'ADD', label: 'Top', path: '/top' }, 'ConflictError', 'itemKey'],
      [{ itemKey: `${k}-new`, action: 'ADD', label: 'New', path: '/new', parentKey: `${k}-gone` }, 'ValidationError', 'input.parentKey'],
      [{ itemKey: `${k}-new`, action: 'ADD', label: 'New', path: '/new', parentKey: `${k}-low` }, 'ConflictError', 'parentKey'],
      [{ itemKey: `${k}-mine`, action: 'ADD', label: 'Mine', path: '/mine', parentKey: `${k}-mine.sub` }, 'ConflictError', 'parentKey'],
      [{ itemKey: `${k}-mine`, action: 'ADD', label: 'Mine', path: '/mine', parentKey: `${k}-mid` }, 'ConflictError', 'parentKey'],
      [{ itemKey: `${k}-new`, action: 'ADD', label: 'New' }, 'ValidationError', 'input.path'],
      [{ itemKey: `${k}-top`, action: 'HIDE', tenantId: '00000000-0000-4000-8000-000000000000' }, 'NotFoundError', ''],
      [{ itemKey: `${k}-top`, action: 'HIDE', tenantId: 'x' }, 'ValidationError', 'input.tenantId'],
    ];
    for (const [input, type, field] of cases) {
      const result = (await setOverride({ tenantId: a.tenantId, ...input })).data!.setNavigationOverride;
      expect(result.__typename, JSON.stringify(input)).toBe(type);
      if (type === 'ValidationError') expect(result.fieldErrors[0].field, JSON.stringify(input)).toBe(field);
      if (type === 'ConflictError') expect(result.field, JSON.stringify(input)).toBe(field);
    }
    const nul = await setOverride({ tenantId: a.tenantId, itemKey: `${k}-top`, action: 'RENAME', label: 'x\u0000' });
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: '$i.label' }] });
    // An added item with the tenant's items under it is not removed from under them.
    const mine = await p.system.db.navigationTenantOverride.findFirstOrThrow({ where: { tenantId: a.tenantId, itemKey: `${k}-mine` } });
    expect((await p.gql(REMOVE, { id: mine.id }, owner.token)).data!.removeNavigationOverride).toMatchObject({ __typename: 'ConflictError', field: 'id' });
    // A default item cannot take the key of a tenant's added item.
    const taken = (await p.gql(CREATE, { i: { key: `${k}-mine`, label: 'x', path: '/x' } }, owner.token)).data!.createNavigationItem;
    expect(taken).toMatchObject({ __typename: 'ConflictError', field: 'key' });
  });

  it('audits one entry when two admins set the same override at once', async () => {
    const k = prefix();
    await create({ key: `${k}-item` });
    const input = { tenantId: b.tenantId, itemKey: `${k}-item`, action: 'RENAME', label: 'Both' };
    const results = await Promise.all([setOverride(input, owner.token), setOverride(input, admin.token)]);
    for (const r of results) ok(r.data!.setNavigationOverride);
    const row = await p.system.db.navigationTenantOverride.findFirstOrThrow({ where: { tenantId: b.tenantId, itemKey: `${k}-item` } });
    expect(await p.system.db.auditEvent.count({ where: { targetId: row.id } })).toBe(1);
  });
});

describe('resolution for a tenant', () => {
  it("applies the tenant's plan entitlements", async () => {
    const k = prefix();
    await create({ key: `${k}-open` });
    await create({ key: `${k}-tickets`, requiredEntitlement: 'tickets' });
    await create({ key: `${k}-sso`, requiredEntitlement: 'sso' });
    await create({ key: `${k}-off`, visible: false });
    expect(await tenantTree(a, k)).toEqual(['-open', '-tickets']);
    const sso = await createPlan(p.system, {
      code: `sso-${k}`, name: `SSO ${k}`, currency: 'USD', monthlyPrice: 1, yearlyPrice: 10, trialDays: 0,
      emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: ['sso'],
    });
    const c = await p.makeTenant({ planCode: sso.code });
    expect(await tenantTree(c, k)).toEqual(['-open', '-sso']);
    const dropped = (await p.gql(PREVIEW, { t: c.tenantId }, owner.token)).data!.resolvedNavigation.dropped.filter((d: { key: string }) => d.key.startsWith(k));
    expect(dropped.map((d: { key: string; reason: string }) => [d.key.slice(k.length), d.reason])).toEqual([['-off', 'INVISIBLE'], ['-tickets', 'ENTITLEMENT']]);
  });

  it('answers null for an unknown tenant and refuses a malformed id', async () => {
    expect((await p.gql(PREVIEW, { t: '00000000-0000-4000-8000-000000000000' }, owner.token)).data!.resolvedNavigation).toBeNull();
    expect((await p.gql(PREVIEW, { t: 'nope' }, owner.token)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads the tree in the same few statements however many items there are', async () => {
    const count = async () => (await p.recordQueries(() => p.gql(TENANT_TREE, {}, a.apiKey))).length;
    await p.gql(TENANT_TREE, {}, a.apiKey);
    const before = await count();
    const k = prefix();
    const parent = await create({ key: `${k}-p` });
    for (const n of [1, 2, 3, 4, 5]) await create({ key: `${k}-${n}`, parentId: parent.id });
    await setOverride({ tenantId: a.tenantId, itemKey: `${k}-3`, action: 'HIDE' });
    const sql = await p.recordQueries(() => p.gql(TENANT_TREE, {}, a.apiKey));
    expect(sql.length).toBe(before);
    // The items, the tenant's overrides, its plan's entitlements.
    expect(sql.filter((s) => /"NavigationItem"|"NavigationTenantOverride"|"Plan"/.test(s))).toHaveLength(3);
  });
});

describe('items that require a flag', () => {
  it('shows them to the tenants for whom the flag is on', async () => {
    const k = prefix();
    const flag = await createFlag(p.system, { key: `nav-${k}`, type: 'BOOLEAN', enabled: true });
    await create({ key: `${k}-beta`, requiredFlag: flag.key });
    await create({ key: `${k}-ghost`, requiredFlag: `no-such-flag-${k}` });
    expect(await tenantTree(a, k)).toEqual([]);
    await setFlagTenantOverride(p.system, flag.id, a.tenantId, true);
    expect(await tenantTree(a, k)).toEqual(['-beta']);
    expect(await tenantTree(b, k)).toEqual([]);
    const dropped = (await p.gql(PREVIEW, { t: b.tenantId }, owner.token)).data!.resolvedNavigation.dropped.filter((d: { key: string }) => d.key.startsWith(k));
    expect(dropped.map((d: { key: string; reason: string; detail: string }) => [d.key.slice(k.length), d.reason, d.detail])).toEqual([
      ['-beta', 'FLAG', `flag nav-${k} is off for this tenant`],
      ['-ghost', 'FLAG', `no flag no-such-flag-${k}`],
    ]);
    // The kill switch serves the default (off) to everyone, overrides included.
    await setFlagEnabled(p.system, flag.id, false);
    expect(await tenantTree(a, k)).toEqual([]);
  });
});

describe('live navigation', () => {
  it('tells a tenant its new tree after changes to the defaults, its overrides and its plan, and nothing of other tenants', async () => {
    const k = prefix();
    const item = await create({ key: `${k}-live` });
    const sa = openSocket(p.url, a.apiKey);
    const sb = openSocket(p.url, b.apiKey);
    const DOC = `subscription { navigationChanged { reason navigation { key label children { key } } } }`;
    const heardByA = sa.subscribe(DOC);
    const heardByB = sb.subscribe(DOC);
    const mine = (r: { data?: any }) => [r.data.navigationChanged.reason, shape(r.data.navigationChanged.navigation, k)];
    try {
      await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
      await p.untilListening('navigationOverrideChanged', 2);
      await p.untilListening('navigationDefaultsChanged', 2);
      ok((await p.gql(UPDATE, { id: item.id, i: { label: 'Live' } }, owner.token)).data!.updateNavigationItem);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
      expect(mine(heardByA.results[0]!)).toEqual(['DEFAULTS', ['-live=Live']]);

      ok((await setOverride({ tenantId: a.tenantId, itemKey: `${k}-live`, action: 'HIDE' })).data!.setNavigationOverride);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(2);
      expect(mine(heardByA.results[1]!)).toEqual(['OVERRIDES', []]);

      // A plan change is told only when it changes the tree: gated item, plan without its entitlement.
      await create({ key: `${k}-gated`, requiredEntitlement: `gate-${k}` });
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(3);
      const gatePlan = await createPlan(p.system, {
        code: `gate-${k}`, name: `Gate ${k}`, currency: 'USD', monthlyPrice: 1, yearlyPrice: 10, trialDays: 0,
        emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: ['tickets', `gate-${k}`],
      });
      await changeTenantPlan(p.system, a.tenantId, gatePlan.id);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(4);
      expect(mine(heardByA.results[3]!)).toEqual(['PLAN', ['-gated']]);
      await changeTenantPlan(p.system, a.tenantId, a.planId);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(5);
      expect(mine(heardByA.results[4]!)).toEqual(['PLAN', []]);
      // The tenant's own plan gaining the entitlement in place opens the item too.
      const plan = await p.system.db.plan.findUniqueOrThrow({ where: { id: a.planId } });
      await updatePlan(p.system, a.planId, { entitlements: [...plan.entitlements, `gate-${k}`] });
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(6);
      expect(mine(heardByA.results[5]!)).toEqual(['PLAN', ['-gated']]);
      // B heard the two changes to the defaults only.
      await sleep(300);
      expect(heardByB.results.map((r) => r.data.navigationChanged.reason)).toEqual(['DEFAULTS', 'DEFAULTS']);
    } finally {
      await Promise.all([sa.dispose(), sb.dispose()]);
    }
    await p.untilListening('navigationOverrideChanged', 0);
  });

  it("tells a tenant when a flag change alters its tree, and not for flags its tree does not need", async () => {
    const k = prefix();
    const needed = await createFlag(p.system, { key: `live-${k}`, type: 'BOOLEAN', enabled: true });
    const unrelated = await createFlag(p.system, { key: `other-${k}`, type: 'BOOLEAN', enabled: true });
    await create({ key: `${k}-flagged`, requiredFlag: needed.key });
    const sa = openSocket(p.url, a.apiKey);
    const sb = openSocket(p.url, b.apiKey);
    const DOC = `subscription { navigationChanged { reason navigation { key label children { key } } } }`;
    const heardByA = sa.subscribe(DOC);
    const heardByB = sb.subscribe(DOC);
    try {
      await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
      await p.untilListening('flagChanged', 2);
      await setFlagTenantOverride(p.system, unrelated.id, a.tenantId, true);
      await setFlagTenantOverride(p.system, needed.id, a.tenantId, true);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
      expect(heardByA.results[0]!.data.navigationChanged.reason).toBe('FLAGS');
      expect(shape(heardByA.results[0]!.data.navigationChanged.navigation, k)).toEqual(['-flagged']);
      // Turning the flag off for everyone changes A's tree (it had the item) and not B's (it never had it).
      await setFlagEnabled(p.system, needed.id, false);
      await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(2);
      expect(shape(heardByA.results[1]!.data.navigationChanged.navigation, k)).toEqual([]);
      await sleep(300);
      expect(heardByB.results).toEqual([]);
      expect(heardByA.results).toHaveLength(2);
    } finally {
      await Promise.all([sa.dispose(), sb.dispose()]);
    }
  });

  it("tells an admin's preview what may change the tenant's tree", async () => {
    const k = prefix();
    const s = openSocket(p.url, owner.token);
    const heard = s.subscribe(`subscription($t: ID) { navigationEvents(tenantId: $t) { reason tenantId key } }`, { t: b.tenantId });
    try {
      await within(s.connected, 5000, 'connection');
      await p.untilListening('navigationOverrideChanged', 1);
      await create({ key: `${k}-x` });
      await setOverride({ tenantId: a.tenantId, itemKey: `${k}-x`, action: 'HIDE' });
      await setOverride({ tenantId: b.tenantId, itemKey: `${k}-x`, action: 'RENAME', label: 'X' });
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(2);
      expect(heard.results.map((r) => r.data.navigationEvents)).toEqual([
        { reason: 'DEFAULTS', tenantId: null, key: `${k}-x` },
        { reason: 'OVERRIDES', tenantId: b.tenantId, key: `${k}-x` },
      ]);
    } finally {
      await s.dispose();
    }
  });
});
