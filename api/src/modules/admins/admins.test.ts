import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD, startPlatform, type TestPlatform } from '../../../test/harness.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  __typename ... on MutationLoginSuccess { data { token expiresAt admin { email role } } }
  ... on LoginThrottledError { retryAfter message } ... on Error { message } } }`;

beforeAll(async () => {
  p = await startPlatform();
  owner = await p.login('OWNER');
});
afterAll(() => p.close());

describe('admin sessions', () => {
  it('logs in, sets an httpOnly cookie usable as the session, and logs out', async () => {
    const viewer = await p.login('VIEWER');
    const user = await p.app.prisma.adminUser.findUniqueOrThrow({ where: { id: viewer.userId } });
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LOGIN, variables: { e: user.email.toUpperCase(), p: TEST_PASSWORD } }),
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/og_session=ogs_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0]! },
      body: JSON.stringify({ query: '{ me { email role permissions } }' }),
    });
    expect(((await me.json()) as any).data.me).toEqual({ email: user.email, role: 'VIEWER', permissions: ['READ', 'MONITORING_READ'] });

    expect((await p.gql('mutation { logout }', {}, viewer.token)).data).toEqual({ logout: true });
    expect((await p.gql('{ me { email } }', {}, viewer.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password with a typed error and never locks the account', async () => {
    const target = await p.login('SUPPORT');
    const { email } = await p.app.prisma.adminUser.findUniqueOrThrow({ where: { id: target.userId } });
    const wrong = await p.gql(LOGIN, { e: email, p: 'wrong-password' });
    expect(wrong.data!.login).toEqual({ __typename: 'InvalidCredentialsError', message: 'Email or password is incorrect' });
    for (let i = 0; i < 3; i += 1) await p.gql(LOGIN, { e: email, p: 'wrong-password' });
    // The fifth failure from this address makes the next attempt from it wait (see login-throttle.test.ts).
    const fifth = await p.gql(LOGIN, { e: email, p: 'wrong-password' });
    expect(fifth.data!.login).toEqual({ __typename: 'LoginThrottledError', retryAfter: 2, message: 'Too many failed sign-ins. Try again in 2 seconds.' });
    const user = await p.app.prisma.adminUser.findUniqueOrThrow({ where: { id: target.userId } });
    expect(user.lockedUntil).toBeNull();
  });

  it('does not reveal whether an email exists', async () => {
    const res = await p.gql(LOGIN, { e: 'nobody@nowhere.example', p: 'whatever' });
    expect(res.data!.login).toEqual({ __typename: 'InvalidCredentialsError', message: 'Email or password is incorrect' });
  });

  it('rejects expired and revoked sessions', async () => {
    const s = await p.login('ADMIN');
    await p.app.prisma.adminSession.updateMany({ where: { adminUserId: s.userId }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await p.gql('{ me { id } }', {}, s.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('admin management', () => {
  it('lets an owner create an admin, change their role and deactivate them, killing their sessions', async () => {
    const created = await p.gql(`mutation($i: CreateAdminInput!) { createAdmin(input: $i) {
      __typename ... on MutationCreateAdminSuccess { data { id role } } } }`,
      { i: { email: 'new.admin@test.example', name: 'New Admin', role: 'SUPPORT', password: 'a-long-enough-password' } }, owner.token);
    const id = created.data!.createAdmin.data.id;
    const session = await p.gql(LOGIN, { e: 'new.admin@test.example', p: 'a-long-enough-password' });
    const token = session.data!.login.data.token;
    expect((await p.gql('{ me { role } }', {}, token)).data!.me.role).toBe('SUPPORT');

    const role = await p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: BILLING) { ... on MutationChangeAdminRoleSuccess { data { role } } } }`, { id }, owner.token);
    expect(role.data!.changeAdminRole.data.role).toBe('BILLING');

    await p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename } }`, { id }, owner.token);
    expect((await p.gql('{ me { role } }', {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await p.gql(LOGIN, { e: 'new.admin@test.example', p: 'a-long-enough-password' })).data!.login.__typename).toBe('InvalidCredentialsError');
  });

  it('reads one admin by id for owners only: null when unknown, a field error for a malformed id', async () => {
    const support = await p.login('SUPPORT');
    const ADMIN = 'query($id: ID!) { admin(id: $id) { id role sessions { id } } }';
    const found = await p.gql(ADMIN, { id: support.userId }, owner.token);
    expect(found.data?.admin).toMatchObject({ id: support.userId, role: 'SUPPORT' });
    expect(found.data?.admin.sessions.length).toBeGreaterThan(0);
    expect((await p.gql(ADMIN, { id: '00000000-0000-4000-8000-000000000000' }, owner.token)).data).toEqual({ admin: null });
    expect((await p.gql(ADMIN, { id: 'nope' }, owner.token)).errors?.[0]?.message).toMatch(/not a valid id/);
    expect((await p.gql(ADMIN, { id: owner.userId }, support.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses passwords that are easy to guess, naming the field and why', async () => {
    const CREATE = `mutation($i: CreateAdminInput!) { createAdmin(input: $i) { __typename ... on ValidationError { fieldErrors { field message } } } }`;
    const email = 'quillon.vexmar@test.example';
    const attempt = (password: string) => p.gql(CREATE, { i: { email, name: 'Quillon Vexmar', role: 'VIEWER', password } }, owner.token);
    expect((await attempt(' '.repeat(12))).data!.createAdmin.fieldErrors).toEqual([
      { field: 'input.password', message: 'too easy to guess: Repeated characters like "aaa" are easy to guess' },
    ]);
    expect((await attempt('password1234')).data!.createAdmin.fieldErrors).toEqual([
      { field: 'input.password', message: 'too easy to guess: This is similar to a commonly used password' },
    ]);
    // The admin's own name and email are the first words an attacker tries.
    expect((await attempt('Quillon Vexmar 1')).data!.createAdmin.fieldErrors).toEqual([
      { field: 'input.password', message: 'too easy to guess: There should not be any personal or page related data' },
    ]);
    expect(await p.app.prisma.adminUser.count({ where: { email } })).toBe(0);
    expect((await attempt('cobalt-harbor-juniper-58')).data!.createAdmin.__typename).toBe('MutationCreateAdminSuccess');
  });

  it('validates new admins by field', async () => {
    const res = await p.gql(`mutation($i: CreateAdminInput!) { createAdmin(input: $i) { __typename ... on ValidationError { fieldErrors { field message } } } }`,
      { i: { email: 'bad', name: '', role: 'ADMIN', password: 'short' } }, owner.token);
    expect(res.data!.createAdmin.fieldErrors.map((e: any) => e.field).sort()).toEqual(['input.email', 'input.name', 'input.password']);
  });

  it('refuses to deactivate the last owner', async () => {
    await p.app.prisma.adminUser.updateMany({ where: { role: 'OWNER', id: { not: owner.userId } }, data: { active: false } });
    const res = await p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename ... on ConflictError { message } } }`, { id: owner.userId }, owner.token);
    expect(res.data!.deactivateAdmin.__typename).toBe('ConflictError');
  });
});

describe('owners under concurrency', () => {
  /** Exactly two active owners, a and b, and everyone else demoted out of the way. */
  async function twoOwners() {
    await p.app.prisma.adminUser.updateMany({ where: { role: 'OWNER' }, data: { role: 'VIEWER' } });
    return Promise.all([p.login('OWNER'), p.login('OWNER')]);
  }
  const activeOwners = () => p.app.prisma.adminUser.count({ where: { role: 'OWNER', active: true } });
  // The file's own owner goes back to work for the tests after these.
  afterAll(() => p.app.prisma.adminUser.update({ where: { id: owner.userId }, data: { role: 'OWNER', active: true } }));

  it('keeps an active owner when two owners deactivate each other at the same moment', async () => {
    for (let round = 0; round < 6; round += 1) {
      const [a, b] = await twoOwners();
      const results = await Promise.all([
        p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename } }`, { id: b.userId }, a.token),
        p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename } }`, { id: a.userId }, b.token),
      ]);
      expect(await activeOwners(), `round ${round}: ${JSON.stringify(results)}`).toBe(1);
      const won = results.filter((r) => r.data?.deactivateAdmin?.__typename === 'MutationDeactivateAdminSuccess');
      expect(won).toHaveLength(1);
      // The loser is refused: either the last-owner rule, or its own session already ended with its account.
      const lost = results.find((r) => r !== won[0])!;
      expect(lost.data?.deactivateAdmin?.__typename ?? lost.errors?.[0]?.extensions?.code).toMatch(/^(ConflictError|UNAUTHENTICATED)$/);
      expect(await p.app.prisma.auditEvent.count({ where: { action: 'admin.deactivate', targetId: { in: [a.userId, b.userId] } } })).toBe(1);
    }
  });

  it('keeps an active owner when two owners demote each other at the same moment', async () => {
    for (let round = 0; round < 4; round += 1) {
      const [a, b] = await twoOwners();
      await Promise.all([
        p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: VIEWER) { __typename } }`, { id: b.userId }, a.token),
        p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: VIEWER) { __typename } }`, { id: a.userId }, b.token),
      ]);
      expect(await activeOwners()).toBe(1);
    }
  });

  it('writes no audit entry for a role change to the role an admin already has', async () => {
    const viewer = await p.login('VIEWER');
    const [, owner2] = await twoOwners();
    const res = await p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: VIEWER) { __typename } }`, { id: viewer.userId }, owner2.token);
    expect(res.data!.changeAdminRole.__typename).toBe('MutationChangeAdminRoleSuccess');
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'admin.changeRole', targetId: viewer.userId } })).toBe(0);
  });
});

describe('authorisation', () => {
  it('refuses anonymous callers with UNAUTHENTICATED and no data', async () => {
    const res = await p.gql('{ tenants(first: 1) { totalCount } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data?.tenants ?? null).toBeNull();
  });

  it('refuses a role without the permission with FORBIDDEN and changes nothing', async () => {
    const viewer = await p.login('VIEWER');
    const plans = await p.app.prisma.plan.count();
    const res = await p.gql(`mutation { createPlan(input: { code: "x-plan", name: "X", currency: "USD", monthlyPrice: 1, yearlyPrice: 1, trialDays: 0, emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [] }) { __typename } }`, {}, viewer.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await p.app.prisma.plan.count()).toBe(plans);
    const billing = await p.login('BILLING');
    const admins = await p.gql(`mutation { createAdmin(input: { email: "x@y.z", name: "x", role: OWNER, password: "long-password-123" }) { __typename } }`, {}, billing.token);
    expect(admins.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('admins list', () => {
  it('filters by role, active and search, and pages every match once, in email order', async () => {
    await p.login('SUPPORT');
    await p.login('SUPPORT');
    const inactive = await p.login('SUPPORT');
    await p.app.prisma.adminUser.update({ where: { id: inactive.userId }, data: { active: false } });
    const expected = (await p.app.prisma.adminUser.findMany({ where: { role: 'SUPPORT', active: true }, orderBy: { email: 'asc' } })).map((a) => a.email);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const Q = `query($f: AdminFilter, $after: String) { admins(first: 1, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { email role active } } } }`;
    const emails: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await p.gql(Q, { f: { role: ['SUPPORT'], active: true }, after }, owner.token);
      expect(page.data.admins.totalCount).toBe(expected.length);
      emails.push(...page.data.admins.edges.map((e: any) => e.node.email));
      if (!page.data.admins.pageInfo.hasNextPage) break;
      after = page.data.admins.pageInfo.endCursor;
    }
    expect(emails).toEqual(expected);
    const search = await p.gql(Q, { f: { search: inactive.email.toUpperCase() } }, owner.token);
    expect(search.data!.admins.edges[0].node).toMatchObject({ email: inactive.email, active: false });
  });

  it('exports admins as CSV without password hashes, to admins only', async () => {
    const active = await p.app.prisma.adminUser.count({ where: { role: 'SUPPORT', active: true } });
    const res = await fetch(`${p.url}/exports/admins.csv?role=SUPPORT&active=true`, { headers: { authorization: `Bearer ${owner.token}` } });
    const text = await res.text();
    expect(text.split('\n')[0]).toBe('id,email,name,role,active,lastLoginAt,lockedUntil,deactivatedAt,createdAt');
    expect(text).not.toMatch(/scrypt/);
    expect(res.headers.get('x-export-total')).toBe(String(active));
    expect((await fetch(`${p.url}/exports/admins.csv?active=maybe`, { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(400);
  });
});
