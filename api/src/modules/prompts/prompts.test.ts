import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSchema } from '../../graphql/schema.ts';
import { openSocket, within } from '../../../test/live-client.ts';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { createPrompt, createPromptVersion } from './service.ts';
import { flushPromptUsage } from './usage.ts';

let p: TestPlatform;
let owner: string;
let admin: string;
let viewer: string;
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  [owner, admin, viewer] = await Promise.all([p.login('OWNER'), p.login('ADMIN'), p.login('VIEWER')]).then((all) => all.map((x) => x.token));
  a = await p.makeTenant({ name: 'Prompts A' });
  b = await p.makeTenant({ name: 'Prompts B' });
});
afterAll(() => p.close());

let prompts = 0;
/** A new prompt (through the service) with version 1 labelled production and, when asked, more versions. */
async function promptWith(texts: string[] = ['Hello {{name}} (v1)']) {
  prompts += 1;
  const variables = [{ name: 'name', type: 'STRING' as const }];
  const prompt = await createPrompt(p.system, { key: `test.prompt-${prompts}`, name: `Prompt ${prompts}`, template: texts[0]!, variables, labels: ['production'] });
  const versions = [await p.app.prisma.promptVersion.findFirstOrThrow({ where: { promptId: prompt.id, number: 1 } })];
  for (const template of texts.slice(1)) versions.push(await createPromptVersion(p.system, prompt.id, { template, variables }));
  return { prompt, versions };
}

const auditCount = (promptId: string, actions: string[]) => p.app.prisma.auditEvent.count({ where: { targetId: promptId, action: { in: actions } } });

const RENDER = `query($key: String!, $label: String!, $vars: JSON) { renderPrompt(key: $key, label: $label, variables: $vars) {
  __typename ... on Error { message } ... on QueryRenderPromptSuccess { data { text label parameters version { number } } }
  ... on MissingPromptVariableError { variable } ... on UnknownPromptVariableError { variable }
  ... on PromptVariableTypeError { variable expected actual } ... on PromptInactiveError { key } ... on NotFoundError { resourceType }
  ... on ValidationError { fieldErrors { field message } } } }`;
const render = (key: string, apiKey: string, vars: unknown = { name: 'Ada' }, label = 'production') =>
  p.gql(RENDER, { key, label, vars }, apiKey).then((r) => {
    expect(r.errors).toBeUndefined();
    return r.data!.renderPrompt;
  });

describe('prompts and versions', () => {
  it('creates a prompt with version 1 and saves the next versions with their author', async () => {
    const created = await p.gql(`mutation($i: CreatePromptInput!) { createPrompt(input: $i) { __typename ... on MutationCreatePromptSuccess { data { id key latestVersion active category tags } } } }`, {
      i: { key: 'gql.reply', name: 'Reply', category: 'support', tags: ['email', 'email', 'tickets'], template: 'Hi {{name}}', variables: [{ name: 'name' }], parameters: { model: 'm', temperature: 0.2 }, changelog: 'First' },
    }, owner);
    const prompt = ok(created.data!.createPrompt);
    expect(prompt).toMatchObject({ key: 'gql.reply', latestVersion: 1, active: true, category: 'support', tags: ['email', 'tickets'] });
    const next = await p.gql(`mutation($id: ID!, $i: PromptVersionInput!) { createPromptVersion(promptId: $id, input: $i) { __typename ... on MutationCreatePromptVersionSuccess { data { number changelog author { email } } } } }`, {
      id: prompt.id, i: { template: 'Hello {{name}}', variables: [{ name: 'name' }], changelog: 'Warmer' },
    }, admin);
    expect(ok(next.data!.createPromptVersion)).toMatchObject({ number: 2, changelog: 'Warmer', author: { email: expect.any(String) } });
    const read = await p.gql(`query($k: String!) { promptByKey(key: $k) { latestVersion versions { number template variables { name type required } parameters } } }`, { k: 'gql.reply' }, viewer);
    expect(read.data!.promptByKey).toEqual({
      latestVersion: 2,
      versions: [
        { number: 2, template: 'Hello {{name}}', variables: [{ name: 'name', type: 'STRING', required: true }], parameters: {} },
        { number: 1, template: 'Hi {{name}}', variables: [{ name: 'name', type: 'STRING', required: true }], parameters: { model: 'm', temperature: 0.2 } },
      ],
    });
    expect(await auditCount(prompt.id, ['prompt.create', 'promptVersion.create'])).toBe(2);
  });

  it('refuses a template that uses an undeclared variable, and a duplicate key', async () => {
    const bad = await p.gql(`mutation($i: CreatePromptInput!) { createPrompt(input: $i) { __typename ... on PromptTemplateError { problems { line column message } } } }`, {
      i: { key: 'gql.bad', name: 'Bad', template: 'Hi {{name}}\n{{#items}}{{.}}{{/items}}', variables: [{ name: 'name' }] },
    }, owner);
    expect(bad.data!.createPrompt).toEqual({ __typename: 'PromptTemplateError', problems: [{ line: 2, column: 1, message: 'undeclared variable "items"' }] });
    const { prompt } = await promptWith();
    const dup = await p.gql(`mutation($i: CreatePromptInput!) { createPrompt(input: $i) { __typename ... on ConflictError { field } } }`, {
      i: { key: prompt.key, name: 'Again', template: 'x' },
    }, owner);
    expect(dup.data!.createPrompt).toEqual({ __typename: 'ConflictError', field: 'key' });
  });

  it('names the field of bad input: NUL bytes, keys, labels, ids, JSON', async () => {
    const create = (i: object) => p.gql(`mutation($i: CreatePromptInput!) { createPrompt(input: $i) { __typename ... on ValidationError { fieldErrors { field } } } }`, { i }, owner);
    const base = { key: 'gql.input', name: 'Input', template: 'x' };
    for (const [input, path] of [
      [{ ...base, key: 'Has Spaces' }, 'input.key'],
      [{ ...base, parameters: [1, 2] }, 'input.parameters'],
      [{ ...base, labels: ['Production!'] }, 'input.labels.0'],
      [{ ...base, labels: ['latest'] }, 'input.labels.0'],
      [{ ...base, variables: [{ name: 'n', type: 'NUMBER', default: 'x' }] }, 'input.variables.0.default'],
      // Postgres jsonb cannot hold NUL: object keys the transport does not check are refused here.
      [{ ...base, parameters: { nested: { 'a\u0000': 1 } } }, 'input.parameters'],
      [{ ...base, variables: [{ name: 'o', type: 'OBJECT', default: { 'k\u0000': 1 } }] }, 'input.variables.0.default'],
    ] as const) {
      const res = await create(input);
      expect(res.data?.createPrompt, JSON.stringify([input, res.errors])).toEqual({ __typename: 'ValidationError', fieldErrors: [{ field: path }] });
    }
    // NUL bytes are refused before any resolver runs, naming the variable's field.
    const nul = await create({ ...base, template: 'a\u0000b' });
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: '$i.template' }] });
    const move = await p.gql(`mutation { movePromptLabel(promptId: "nope", label: "production", versionId: "nope") { __typename ... on ValidationError { fieldErrors { field } } } }`, {}, owner);
    expect(move.data!.movePromptLabel.fieldErrors.map((f: { field: string }) => f.field).sort()).toEqual(['promptId', 'versionId']);
  });

  it('numbers concurrent versions 2, 3, … without gaps or duplicates, one audit entry each', async () => {
    const { prompt } = await promptWith();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => p.gql(
      `mutation($id: ID!, $i: PromptVersionInput!) { createPromptVersion(promptId: $id, input: $i) { __typename ... on MutationCreatePromptVersionSuccess { data { number } } } }`,
      { id: prompt.id, i: { template: `Race ${i}` } }, i % 2 ? owner : admin,
    )));
    const numbers = results.map((r) => ok(r.data!.createPromptVersion).number as number).sort((x, y) => x - y);
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7]);
    expect((await p.app.prisma.prompt.findUniqueOrThrow({ where: { id: prompt.id } })).latestVersion).toBe(7);
    expect(await auditCount(prompt.id, ['promptVersion.create'])).toBe(6);
  });

  it('never changes a saved version: no mutation for it, and the database refuses updates', async () => {
    const versionMutations = Object.keys(adminSchema.getMutationType()!.getFields()).filter((name) => /version/i.test(name));
    expect(versionMutations).toEqual(['createPromptVersion']);
    const { versions } = await promptWith();
    await expect(p.app.prisma.promptVersion.update({ where: { id: versions[0]!.id }, data: { template: 'changed' } })).rejects.toThrow(/immutable/);
    await expect(p.app.prisma.$executeRawUnsafe(`UPDATE "PromptVersion" SET parameters = '{"x":1}' WHERE id = $1::uuid`, versions[0]!.id)).rejects.toThrow(/immutable/);
    expect((await p.app.prisma.promptVersion.findUniqueOrThrow({ where: { id: versions[0]!.id } })).template).toBe('Hello {{name}} (v1)');
  });

  it('updates metadata only, and switching active twice writes one entry', async () => {
    const { prompt } = await promptWith();
    const updated = await p.gql(`mutation($id: ID!) { updatePrompt(id: $id, input: { name: "Renamed", tags: ["a"] }) { __typename ... on MutationUpdatePromptSuccess { data { name tags latestVersion } } } }`, { id: prompt.id }, owner);
    expect(ok(updated.data!.updatePrompt)).toEqual({ name: 'Renamed', tags: ['a'], latestVersion: 1 });
    const off = () => p.gql(`mutation($id: ID!) { setPromptActive(id: $id, active: false) { __typename ... on MutationSetPromptActiveSuccess { data { active } } } }`, { id: prompt.id }, owner);
    const [first, second] = await Promise.all([off(), off()]);
    expect([ok(first.data!.setPromptActive).active, ok(second.data!.setPromptActive).active]).toEqual([false, false]);
    expect(await auditCount(prompt.id, ['prompt.setActive'])).toBe(1);
    expect(await auditCount(prompt.id, ['prompt.update'])).toBe(1);
  });

  it('needs PROMPTS_WRITE to change prompts', async () => {
    const { prompt } = await promptWith();
    const res = await p.gql(`mutation($id: ID!) { setPromptActive(id: $id, active: false) { __typename } }`, { id: prompt.id }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('labels', () => {
  const MOVE = `mutation($p: ID!, $l: String!, $v: ID!, $t: ID) { movePromptLabel(promptId: $p, label: $l, versionId: $v, tenantId: $t) { __typename ... on Error { message } } }`;

  it('two admins moving the same label at once: both end consistent, one entry per actual move', async () => {
    const { prompt, versions } = await promptWith(['v1', 'v2', 'v3']);
    // Both to the same version: one moves it, the other finds it there already and records nothing.
    const same = await Promise.all([owner, admin].map((token) => p.gql(MOVE, { p: prompt.id, l: 'production', v: versions[1]!.id }, token)));
    expect(same.map((r) => r.data!.movePromptLabel.__typename)).toEqual(['MutationMovePromptLabelSuccess', 'MutationMovePromptLabelSuccess']);
    expect(await auditCount(prompt.id, ['promptLabel.move'])).toBe(2); // v1 at creation, then v2 once
    // To different versions: serialised, two moves, and the label ends on the one that ran last.
    await Promise.all([[owner, 0], [admin, 2]].map(([token, i]) => p.gql(MOVE, { p: prompt.id, l: 'production', v: versions[i as number]!.id }, token as string)));
    type Move = { versionId: string } | null;
    const entries = (await p.app.prisma.auditEvent.findMany({ where: { targetId: prompt.id, action: 'promptLabel.move' } })).map((e) => ({ before: e.before as Move, after: e.after as Move }));
    expect(entries).toHaveLength(4);
    const racing = entries.filter((e) => e.before && [versions[0]!.id, versions[2]!.id].includes(e.after!.versionId));
    expect(racing).toHaveLength(2);
    // The first to get the lock moved it from v2; the second from where the first left it.
    const first = racing.find((e) => e.before!.versionId === versions[1]!.id)!;
    const second = racing.find((e) => e !== first)!;
    expect(second.before!.versionId).toBe(first.after!.versionId);
    const label = await p.app.prisma.promptLabel.findUniqueOrThrow({ where: { promptId_name: { promptId: prompt.id, name: 'production' } } });
    expect(label.versionId).toBe(second.after!.versionId);
  });

  it('refuses a version of another prompt and an unknown tenant; removes labels', async () => {
    const one = await promptWith();
    const two = await promptWith();
    const other = await p.gql(MOVE, { p: one.prompt.id, l: 'staging', v: two.versions[0]!.id }, owner);
    expect(other.data!.movePromptLabel.__typename).toBe('NotFoundError');
    const tenant = await p.gql(MOVE, { p: one.prompt.id, l: 'staging', v: one.versions[0]!.id, t: '00000000-0000-4000-8000-000000000000' }, owner);
    expect(tenant.data!.movePromptLabel.__typename).toBe('NotFoundError');
    const REMOVE = `mutation($p: ID!, $l: String!, $t: ID) { removePromptLabel(promptId: $p, label: $l, tenantId: $t) { __typename } }`;
    expect((await p.gql(REMOVE, { p: one.prompt.id, l: 'production' }, owner)).data!.removePromptLabel.__typename).toBe('MutationRemovePromptLabelSuccess');
    expect((await p.gql(REMOVE, { p: one.prompt.id, l: 'production' }, owner)).data!.removePromptLabel.__typename).toBe('NotFoundError');
    expect(await auditCount(one.prompt.id, ['promptLabel.remove'])).toBe(1);
  });

  it("reads global and tenants' labels with their versions in one statement", async () => {
    const { prompt, versions } = await promptWith(['v1', 'v2']);
    await p.gql(MOVE, { p: prompt.id, l: 'production', v: versions[1]!.id, t: a.tenantId }, owner);
    const query = `query($id: ID!) { prompt(id: $id) { labels { name version { number } } tenantLabels { name tenant { name } version { number } } } }`;
    const statements = await p.recordQueries(() => p.gql(query, { id: prompt.id }, viewer));
    expect(statements.filter((s) => /"Prompt/.test(s)), statements.join('\n')).toHaveLength(1);
    const res = await p.gql(query, { id: prompt.id }, viewer);
    expect(res.data!.prompt).toEqual({
      labels: [{ name: 'production', version: { number: 1 } }],
      tenantLabels: [{ name: 'production', tenant: { name: 'Prompts A' }, version: { number: 2 } }],
    });
  });
});

describe('rendering through the tenant graph', () => {
  it("renders the tenant's own label over the global one, and `latest`", async () => {
    const { prompt, versions } = await promptWith(['Hi {{name}} (v1)', 'Hi {{name}} (v2)', 'Hi {{name}} (v3)']);
    await p.gql(`mutation($p: ID!, $v: ID!, $t: ID) { movePromptLabel(promptId: $p, label: "production", versionId: $v, tenantId: $t) { __typename } }`, { p: prompt.id, v: versions[1]!.id, t: b.tenantId }, owner);
    expect(await render(prompt.key, a.apiKey)).toMatchObject({ data: { text: 'Hi Ada (v1)', label: 'production', version: { number: 1 }, parameters: {} } });
    expect(await render(prompt.key, b.apiKey)).toMatchObject({ data: { text: 'Hi Ada (v2)', version: { number: 2 } } });
    expect(await render(prompt.key, a.apiKey, { name: 'Ada' }, 'latest')).toMatchObject({ data: { text: 'Hi Ada (v3)', version: { number: 3 } } });
  });

  it('reads the prompt and both labels in one statement', async () => {
    const { prompt } = await promptWith();
    await render(prompt.key, a.apiKey);
    const statements = await p.recordQueries(() => render(prompt.key, a.apiKey));
    const reads = statements.filter((s) => /"Prompt/.test(s));
    expect(reads, statements.join('\n')).toHaveLength(1);
    expect(reads[0]).toMatch(/"PromptTenantLabel"/);
  });

  it('answers typed errors: unknown key or label, inactive, variables', async () => {
    const { prompt } = await promptWith();
    expect(await render('no.such-prompt', a.apiKey)).toMatchObject({ __typename: 'NotFoundError', resourceType: 'Prompt' });
    expect(await render(prompt.key, a.apiKey, { name: 'Ada' }, 'canary')).toMatchObject({ __typename: 'NotFoundError', resourceType: 'PromptLabel' });
    expect(await render(prompt.key, a.apiKey, {})).toEqual({ __typename: 'MissingPromptVariableError', message: expect.any(String), variable: 'name' });
    expect(await render(prompt.key, a.apiKey, { name: 'Ada', extra: 1 })).toMatchObject({ __typename: 'UnknownPromptVariableError', variable: 'extra' });
    expect(await render(prompt.key, a.apiKey, { name: 42 })).toMatchObject({ __typename: 'PromptVariableTypeError', variable: 'name', expected: 'STRING', actual: 'NUMBER' });
    expect(await render(prompt.key, a.apiKey, [1])).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'variables', message: expect.any(String) }] });
    expect(await render('Bad Key', a.apiKey)).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'key', message: expect.any(String) }] });
    await p.gql(`mutation($id: ID!) { setPromptActive(id: $id, active: false) { __typename } }`, { id: prompt.id }, owner);
    expect(await render(prompt.key, a.apiKey)).toMatchObject({ __typename: 'PromptInactiveError', key: prompt.key });
  });

  it('counts renders per version, tenant and day in one row each, flushed in batches', async () => {
    const { prompt, versions } = await promptWith(['Hi {{name}} (v1)', 'Hi {{name}} (v2)']);
    await flushPromptUsage(p.system);
    for (let i = 0; i < 3; i++) await render(prompt.key, a.apiKey);
    for (let i = 0; i < 2; i++) await render(prompt.key, b.apiKey, { name: 'Bo' }, 'latest');
    await render(prompt.key, b.apiKey, {}); // refused: not counted
    // Nothing is written per render: the counts wait in memory for the next flush.
    expect(await p.app.prisma.promptUsageDaily.count({ where: { versionId: { in: versions.map((v) => v.id) } } })).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const usage = await p.gql(`query($id: ID!, $from: DateTime!, $to: DateTime!) { promptUsage(promptId: $id, from: $from, to: $to) { day versionNumber tenantName count } }`, {
      id: prompt.id, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString(),
    }, viewer);
    expect(usage.data!.promptUsage).toEqual(expect.arrayContaining([
      { day: today, versionNumber: 1, tenantName: 'Prompts A', count: 3 },
      { day: today, versionNumber: 2, tenantName: 'Prompts B', count: 2 },
    ]));
    expect(usage.data!.promptUsage).toHaveLength(2);
    await render(prompt.key, a.apiKey);
    await flushPromptUsage(p.system);
    const rows = await p.app.prisma.promptUsageDaily.findMany({ where: { versionId: versions[0]!.id } });
    expect(rows.map((r) => [r.tenantId, r.count])).toEqual([[a.tenantId, 4]]);
  });
});

describe('reads', () => {
  it('the prompts list with labels and the newest version is one statement for the page', async () => {
    await promptWith(['a {{name}}', 'b {{name}}']);
    const query = `query($f: PromptFilter) { prompts(filter: $f, first: 20) { totalCount edges { node { id key category tags active latestVersion labels { name version { number } } versions(first: 1) { number createdAt } } } } }`;
    const statements = await p.recordQueries(() => p.gql(query, { f: { search: 'test.prompt' } }, viewer));
    const data = statements.filter((s) => /"Prompt/.test(s));
    expect(data, data.join('\n')).toHaveLength(2); // the page and its totalCount
    const filtered = await p.gql(query, { f: { active: true, category: 'general' } }, viewer);
    expect(filtered.data!.prompts.edges.length).toBeGreaterThan(0);
    const csv = await fetch(`${p.url}/exports/prompts.csv?category=general`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[0]).toContain('productionVersion');
  });

  it('diffs two versions and previews a version and a draft', async () => {
    const { versions } = await promptWith(['Hi {{name}}\nBye']);
    const prompt = versions[0]!.promptId;
    const v2 = await createPromptVersion(p.system, prompt, {
      template: 'Hello {{name}}\nBye\n{{#tips}}- {{.}}\n{{/tips}}', variables: [{ name: 'name' }, { name: 'tips', type: 'LIST', required: false }], parameters: { temperature: 1 },
    });
    const diff = await p.gql(`query($f: ID!, $t: ID!) { diffPromptVersions(fromId: $f, toId: $t) { __typename ... on QueryDiffPromptVersionsSuccess { data {
      from { number } to { number } lines { kind text oldNumber newNumber } variables { name before after } parameters { name before after } } } } }`, { f: versions[0]!.id, t: v2.id }, viewer);
    const d = ok(diff.data!.diffPromptVersions);
    expect(d.lines.map((l: { kind: string; text: string }) => `${l.kind[0]} ${l.text}`)).toEqual(['R Hi {{name}}', 'A Hello {{name}}', 'U Bye', 'A {{#tips}}- {{.}}', 'A {{/tips}}']);
    expect(d.variables).toEqual([{ name: 'tips', before: null, after: { name: 'tips', type: 'LIST', required: false, description: '' } }]);
    expect(d.parameters).toEqual([{ name: 'temperature', before: null, after: 1 }]);
    const preview = await p.gql(`query($v: ID!) { previewPrompt(versionId: $v, variables: { name: "Ada", tips: ["one"] }) { __typename ... on QueryPreviewPromptSuccess { data { text } } ... on PromptVariableTypeError { variable } } }`, { v: v2.id }, viewer);
    expect(ok(preview.data!.previewPrompt).text).toBe('Hello Ada\nBye\n- one\n');
    const draft = await p.gql(`query { previewPromptDraft(template: "{{a}}!", variables: [{ name: "a" }], values: { a: "x" }) { __typename ... on QueryPreviewPromptDraftSuccess { data { text } } } }`, {}, viewer);
    expect(ok(draft.data!.previewPromptDraft).text).toBe('x!');
  });

  it('publishes promptChanged as labels move', async () => {
    const { prompt, versions } = await promptWith(['v1', 'v2']);
    const socket = openSocket(p.url, owner);
    const heard = socket.subscribe(`subscription($id: ID) { promptChanged(id: $id) { promptId kind label tenantId } }`, { id: prompt.id });
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('promptChanged', 1);
      await p.gql(`mutation($p: ID!, $v: ID!, $t: ID) { movePromptLabel(promptId: $p, label: "staging", versionId: $v, tenantId: $t) { __typename } }`, { p: prompt.id, v: versions[1]!.id, t: a.tenantId }, owner);
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(1);
      expect(heard.results[0]!.data.promptChanged).toEqual({ promptId: prompt.id, kind: 'LABEL_MOVED', label: 'staging', tenantId: a.tenantId });
    } finally {
      await socket.dispose();
    }
  });
});
