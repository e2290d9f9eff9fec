import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { ErrorInterface } from '../../graphql/errors.ts';
import { adminMutation, adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, NotFoundError, parseInput } from '../../lib/errors.ts';
import type { DiffLine, ValueChange } from './diff.ts';
import {
  createPrompt, createPromptVersion, diffPromptVersions, movePromptLabel, previewDraft, previewPrompt, promptKey, promptUsage,
  readParameters, readVariables, removePromptLabel, setPromptActive, updatePrompt, type PromptUsageRow,
} from './service.ts';
import {
  MissingPromptVariableError, PromptTemplateError, PromptVariableTypeError, UnknownPromptVariableError, VARIABLE_TYPES,
  type PromptVariable, type TemplateProblem,
} from './templates.ts';

const both = { subGraphs: ['admin', 'tenant'] as ['admin', 'tenant'] };

// ─── errors (the render errors are the tenant graph's too) ──────────────────

const TemplateProblemRef = builder.objectRef<TemplateProblem>('PromptTemplateProblem').implement({
  description: 'Where a prompt template goes wrong.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: '1-based.' }),
    column: t.exposeInt('column', { description: '1-based.' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(PromptTemplateError, {
  name: 'PromptTemplateError',
  description: 'A template that does not parse, uses an undeclared variable, or a partial.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PromptTemplateError,
  fields: (t) => ({ problems: t.field({ type: [TemplateProblemRef], resolve: (e) => e.problems }) }),
});

builder.objectType(MissingPromptVariableError, {
  ...both,
  name: 'MissingPromptVariableError',
  description: 'A required variable was given no value and has no default.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof MissingPromptVariableError,
  fields: (t) => ({ variable: t.exposeString('variable', both) }),
});

builder.objectType(UnknownPromptVariableError, {
  ...both,
  name: 'UnknownPromptVariableError',
  description: 'A value for a variable the version does not declare.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof UnknownPromptVariableError,
  fields: (t) => ({ variable: t.exposeString('variable', both) }),
});

export const PromptVariableTypeEnum = builder.enumType('PromptVariableType', {
  ...both,
  description: 'What a variable holds: LIST and OBJECT values open a section (`{{#items}}…{{/items}}`) over their items or fields.',
  values: VARIABLE_TYPES,
});

builder.objectType(PromptVariableTypeError, {
  ...both,
  name: 'PromptVariableTypeError',
  description: "A value of another type than the variable's declaration.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PromptVariableTypeError,
  fields: (t) => ({
    variable: t.exposeString('variable', both),
    expected: t.field({ ...both, type: PromptVariableTypeEnum, resolve: (e) => e.expected }),
    actual: t.exposeString('actual', { ...both, description: 'The type of the value given (STRING, NUMBER, BOOLEAN, LIST, OBJECT or null).' }),
  }),
});

export const RENDER_ERRORS = [InputError, NotFoundError, MissingPromptVariableError, UnknownPromptVariableError, PromptVariableTypeError] as const;

// ─── prompts ─────────────────────────────────────────────────────────────────

const PromptVariableRef = builder.objectRef<PromptVariable>('PromptVariable').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.field({ type: PromptVariableTypeEnum, resolve: (v) => v.type }),
    required: t.exposeBoolean('required'),
    description: t.exposeString('description'),
    default: t.field({ type: 'JSON', nullable: true, description: 'Used when the caller leaves the variable out.', resolve: (v) => v.default ?? null }),
  }),
});

const PromptVersionRef = builder.prismaObject('PromptVersion', {
  description: 'One saved state of a prompt; never changed (a change is a new version).',
  select: { id: true, number: true, promptId: true, createdAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.id }),
    number: t.int({ description: '1, 2, … per prompt.', resolve: (v) => v.number }),
    promptId: t.id({ resolve: (v) => v.promptId }),
    createdAt: t.field({ type: 'DateTime', resolve: (v) => v.createdAt }),
    template: t.exposeString('template'),
    variables: t.field({ type: [PromptVariableRef], select: { variables: true }, resolve: (v) => readVariables(v.variables) }),
    parameters: t.field({ type: 'JSON', description: 'Model parameters (model, temperature, …).', select: { parameters: true }, resolve: (v) => readParameters(v.parameters) }),
    changelog: t.exposeString('changelog'),
    author: t.relation('author', { nullable: true }),
    prompt: t.relation('prompt'),
  }),
});

builder.prismaObject('PromptLabel', {
  description: 'A global label: what every tenant without its own label of that name renders.',
  select: { id: true, name: true, versionId: true, updatedAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (l) => l.id }),
    name: t.string({ resolve: (l) => l.name }),
    versionId: t.id({ resolve: (l) => l.versionId }),
    updatedAt: t.field({ type: 'DateTime', resolve: (l) => l.updatedAt }),
    version: t.relation('version'),
  }),
});

builder.prismaObject('PromptTenantLabel', {
  description: "A tenant's own label: wins over the global label of the same name for that tenant.",
  select: { id: true, name: true, versionId: true, tenantId: true, updatedAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (l) => l.id }),
    name: t.string({ resolve: (l) => l.name }),
    versionId: t.id({ resolve: (l) => l.versionId }),
    tenantId: t.id({ resolve: (l) => l.tenantId }),
    updatedAt: t.field({ type: 'DateTime', resolve: (l) => l.updatedAt }),
    version: t.relation('version'),
    tenant: t.relation('tenant'),
  }),
});

const PromptUsageRef = builder.objectRef<PromptUsageRow>('PromptUsage').implement({
  description: 'Renders of one version by one tenant on one UTC day.',
  fields: (t) => ({
    day: t.exposeString('day', { description: 'UTC day, YYYY-MM-DD.' }),
    versionId: t.exposeID('versionId'),
    versionNumber: t.exposeInt('versionNumber'),
    tenantId: t.exposeID('tenantId'),
    tenantName: t.exposeString('tenantName'),
    count: t.exposeInt('count'),
  }),
});

/** Bounds of the reads without pagination: a prompt's history and its tenants' labels. */
const MAX_VERSIONS = 200;
const MAX_TENANT_LABELS = 500;
const versionsArgs = z.object({ first: z.number().int('a whole number').min(1, 'at least 1').max(MAX_VERSIONS, `at most ${MAX_VERSIONS}`) });

builder.prismaObject('Prompt', {
  select: { id: true, key: true, name: true, category: true, tags: true, active: true, latestVersion: true },
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id }),
    key: t.string({ resolve: (p) => p.key }),
    name: t.string({ resolve: (p) => p.name }),
    category: t.string({ resolve: (p) => p.category }),
    tags: t.stringList({ resolve: (p) => p.tags }),
    active: t.boolean({ description: 'An inactive prompt refuses to render.', resolve: (p) => p.active }),
    latestVersion: t.int({ description: "The newest version's number.", resolve: (p) => p.latestVersion }),
    description: t.exposeString('description'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    versions: t.relation('versions', {
      description: `The newest \`first\` versions (1 to ${MAX_VERSIONS}, default ${MAX_VERSIONS}), newest first.`,
      args: { first: t.arg.int({ required: false }) },
      query: (args) => ({ orderBy: { number: 'desc' }, take: parseInput(versionsArgs, { first: args.first ?? MAX_VERSIONS }, []).first }),
    }),
    labels: t.relation('labels', { description: 'Global labels, by name.', query: { orderBy: { name: 'asc' } } }),
    tenantLabels: t.relation('tenantLabels', {
      description: `Tenants' own labels (at most ${MAX_TENANT_LABELS}), by label then tenant; only that tenant's when given.`,
      args: { tenantId: t.arg.id({ required: false }) },
      query: (args) => ({
        where: args.tenantId ? { tenantId: parseInput(z.object({ tenantId: z.uuid('not a valid id') }), { tenantId: args.tenantId }, []).tenantId } : {},
        orderBy: [{ name: 'asc' }, { tenantId: 'asc' }],
        take: MAX_TENANT_LABELS,
      }),
    }),
  }),
});

// ─── diff and preview ────────────────────────────────────────────────────────

const DiffLineKindEnum = builder.enumType('PromptDiffLineKind', { values: ['ADDED', 'REMOVED', 'UNCHANGED'] as const });

const DiffLineRef = builder.objectRef<DiffLine>('PromptDiffLine').implement({
  fields: (t) => ({
    kind: t.field({ type: DiffLineKindEnum, resolve: (l) => l.kind }),
    text: t.exposeString('text'),
    oldNumber: t.exposeInt('oldNumber', { nullable: true, description: 'Line in the older template (null when added).' }),
    newNumber: t.exposeInt('newNumber', { nullable: true, description: 'Line in the newer template (null when removed).' }),
  }),
});

const ValueChangeRef = builder.objectRef<ValueChange>('PromptValueChange').implement({
  description: 'A variable declaration or a model parameter that differs (null before: added; null after: removed).',
  fields: (t) => ({
    name: t.exposeString('name'),
    before: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.before ?? null }),
    after: t.field({ type: 'JSON', nullable: true, resolve: (c) => c.after ?? null }),
  }),
});

type DiffResult = Awaited<ReturnType<typeof diffPromptVersions>>;
const VersionDiffRef = builder.objectRef<DiffResult>('PromptVersionDiff').implement({
  fields: (t) => ({
    from: t.field({ type: PromptVersionRef, resolve: (d) => d.from }),
    to: t.field({ type: PromptVersionRef, resolve: (d) => d.to }),
    lines: t.field({ type: [DiffLineRef], description: 'The template, line by line.', resolve: (d) => d.lines }),
    variables: t.field({ type: [ValueChangeRef], resolve: (d) => d.variables }),
    parameters: t.field({ type: [ValueChangeRef], resolve: (d) => d.parameters }),
  }),
});

const PromptPreviewRef = builder.objectRef<{ text: string }>('PromptPreview').implement({
  fields: (t) => ({ text: t.exposeString('text') }),
});

const PromptVariableInput = builder.inputType('PromptVariableInput', {
  fields: (t) => ({
    name: t.string(),
    type: t.field({ type: PromptVariableTypeEnum, required: false, description: 'Default STRING.' }),
    required: t.boolean({ required: false, description: 'Default true.' }),
    description: t.string({ required: false }),
    default: t.field({ type: 'JSON', required: false }),
  }),
});

builder.queryFields((t) => ({
  prompt: t.prismaField({
    type: 'Prompt',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.prompt.findUnique({ ...query, where: { id } }),
  }),
  promptByKey: t.prismaField({
    type: 'Prompt',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { key: t.arg.string({ validate: promptKey }) },
    resolve: (query, _root, { key }, ctx) => adminScope(ctx).db.prompt.findUnique({ ...query, where: { key } }),
  }),
  promptVersion: t.prismaField({
    type: 'PromptVersion',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.promptVersion.findUnique({ ...query, where: { id } }),
  }),
  promptUsage: t.field({
    type: [PromptUsageRef],
    authScopes: { permission: 'READ' },
    description: "A prompt's renders per UTC day, version and tenant from `from` to `to` (at most 366 days); one tenant's when given.",
    args: { promptId: t.arg.id({ validate: z.uuid('not a valid id') }), from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }), tenantId: t.arg.id({ required: false }) },
    resolve: (_root, { promptId, ...range }, ctx) => promptUsage(adminScope(ctx), promptId, range),
  }),
  diffPromptVersions: t.field({
    type: VersionDiffRef,
    authScopes: { permission: 'READ' },
    description: 'What changed from one version of a prompt to another.',
    errors: { types: [InputError, NotFoundError] },
    args: { fromId: t.arg.id(), toId: t.arg.id() },
    resolve: (_root, { fromId, toId }, ctx) => diffPromptVersions(adminScope(ctx), fromId, toId),
  }),
  previewPrompt: t.field({
    type: PromptPreviewRef,
    authScopes: { permission: 'READ' },
    description: 'A saved version rendered with `variables`, validated as a tenant render is (not counted as usage).',
    errors: { types: [...RENDER_ERRORS] },
    args: { versionId: t.arg.id(), variables: t.arg({ type: 'JSON', required: false }) },
    resolve: (_root, { versionId, variables }, ctx) => previewPrompt(adminScope(ctx), versionId, variables),
  }),
  previewPromptDraft: t.field({
    type: PromptPreviewRef,
    authScopes: { permission: 'READ' },
    description: "An unsaved template rendered with `values` (the editor's live preview), checked as saving it would be.",
    errors: { types: [...RENDER_ERRORS, PromptTemplateError] },
    args: { template: t.arg.string(), variables: t.arg({ type: [PromptVariableInput], required: false }), values: t.arg({ type: 'JSON', required: false }) },
    resolve: (_root, { template, variables, values }, ctx) => {
      adminScope(ctx);
      return { text: previewDraft({ template, variables: (variables ?? []).map((v) => withoutNulls(v)), values }) };
    },
  }),
}));

// ─── mutations ───────────────────────────────────────────────────────────────

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
const versionFields = (t: InputFields) => ({
  template: t.string(),
  variables: t.field({ type: [PromptVariableInput], required: false }),
  parameters: t.field({ type: 'JSON', required: false, description: 'Model parameters, a JSON object.' }),
  changelog: t.string({ required: false }),
  labels: t.stringList({ required: false, description: 'Global labels to move to this version as it is saved.' }),
});

const CreatePromptInput = builder.inputType('CreatePromptInput', {
  description: 'The prompt and its first version.',
  fields: (t) => ({
    key: t.string(),
    name: t.string(),
    description: t.string({ required: false }),
    category: t.string({ required: false, description: 'Default `general`.' }),
    tags: t.stringList({ required: false }),
    ...versionFields(t),
  }),
});

const UpdatePromptInput = builder.inputType('UpdatePromptInput', {
  description: "The prompt's own fields; its versions never change.",
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    category: t.string({ required: false }),
    tags: t.stringList({ required: false }),
  }),
});

const PromptVersionInput = builder.inputType('PromptVersionInput', { fields: (t) => versionFields(t) });

function cleanVersion<T extends { variables?: readonly object[] | null }>(input: T) {
  return { ...withoutNulls(input), variables: (input.variables ?? []).map((v) => withoutNulls(v)) };
}

builder.mutationFields((t) => ({
  createPrompt: t.prismaField({
    type: 'Prompt',
    ...adminMutation('PROMPTS_WRITE', ['prompt.create', 'promptLabel.move'], [InputError, PromptTemplateError, ConflictError]),
    description: 'Creates a prompt with its first version.',
    args: { input: t.arg({ type: CreatePromptInput }) },
    resolve: (_q, _root, { input }, ctx) => createPrompt(adminScope(ctx), cleanVersion(input) as never),
  }),
  updatePrompt: t.prismaField({
    type: 'Prompt',
    ...adminMutation('PROMPTS_WRITE', 'prompt.update', [InputError, NotFoundError]),
    args: { id: t.arg.id(), input: t.arg({ type: UpdatePromptInput }) },
    resolve: (_q, _root, { id, input }, ctx) => updatePrompt(adminScope(ctx), id, withoutNulls(input)),
  }),
  setPromptActive: t.prismaField({
    type: 'Prompt',
    ...adminMutation('PROMPTS_WRITE', 'prompt.setActive', [InputError, NotFoundError]),
    description: 'Switches rendering on or off for every tenant.',
    args: { id: t.arg.id(), active: t.arg.boolean() },
    resolve: (_q, _root, { id, active }, ctx) => setPromptActive(adminScope(ctx), id, active),
  }),
  createPromptVersion: t.prismaField({
    type: 'PromptVersion',
    ...adminMutation('PROMPTS_WRITE', ['promptVersion.create', 'promptLabel.move'], [InputError, NotFoundError, PromptTemplateError]),
    description: 'Saves the next version (earlier versions never change).',
    args: { promptId: t.arg.id(), input: t.arg({ type: PromptVersionInput }) },
    resolve: (_q, _root, { promptId, input }, ctx) => createPromptVersion(adminScope(ctx), promptId, cleanVersion(input) as never),
  }),
  movePromptLabel: t.prismaField({
    type: 'Prompt',
    ...adminMutation('PROMPTS_WRITE', 'promptLabel.move', [InputError, NotFoundError]),
    description: "Points a label at a version of the prompt: a global label, or a tenant's own with `tenantId`.",
    args: { promptId: t.arg.id(), label: t.arg.string(), versionId: t.arg.id(), tenantId: t.arg.id({ required: false }) },
    resolve: (_q, _root, args, ctx) => movePromptLabel(adminScope(ctx), withoutNulls(args) as never),
  }),
  removePromptLabel: t.prismaField({
    type: 'Prompt',
    ...adminMutation('PROMPTS_WRITE', 'promptLabel.remove', [InputError, NotFoundError]),
    description: "Removes a global label, or a tenant's own with `tenantId` (the tenant falls back to the global one).",
    args: { promptId: t.arg.id(), label: t.arg.string(), tenantId: t.arg.id({ required: false }) },
    resolve: (_q, _root, args, ctx) => removePromptLabel(adminScope(ctx), withoutNulls(args) as never),
  }),
}));

// ─── live ────────────────────────────────────────────────────────────────────

const PromptChangeKindEnum = builder.enumType('PromptChangeKind', {
  values: ['CREATED', 'UPDATED', 'ACTIVATED', 'DEACTIVATED', 'VERSION_CREATED', 'LABEL_MOVED', 'LABEL_REMOVED'] as const,
});
type PromptChanged = { promptId: string; kind: string; label?: string; tenantId?: string | null };
const kindName = (kind: string) => kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() as (typeof PromptChangeKindEnum)['$inferType'];

const PromptChangedRef = builder.objectRef<PromptChanged>('PromptChangedEvent').implement({
  fields: (t) => ({
    promptId: t.exposeID('promptId'),
    kind: t.field({ type: PromptChangeKindEnum, resolve: (e) => kindName(e.kind) }),
    label: t.string({ nullable: true, resolve: (e) => e.label ?? null }),
    tenantId: t.id({ nullable: true, resolve: (e) => e.tenantId ?? null }),
  }),
});

builder.subscriptionField('promptChanged', (t) =>
  t.field({
    type: PromptChangedRef,
    authScopes: { permission: 'READ' },
    description: 'Prompts created or changed, new versions and label moves; one prompt\'s when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => ctx.subscribe('promptChanged', (e) => !id || e.promptId === id),
    resolve: (event) => event,
  }),
);
