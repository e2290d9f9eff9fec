import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { Prompt, PromptVersion } from '../../generated/prisma/client.ts';
import { DomainError, InputError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope, TenantScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { versionDiff, type VersionDiff } from './diff.ts';
import { assertValidTemplate, containsNul, promptVariablesSchema, renderTemplate, type PromptVariable } from './templates.ts';
import { countRender, flushPromptUsage } from './usage.ts';

// ─── errors ──────────────────────────────────────────────────────────────────

/** The prompt is switched off: it renders for nobody until it is active again. */
export class PromptInactiveError extends DomainError {
  override name = 'PromptInactiveError';
  constructor(readonly key: string) {
    super(`Prompt ${key} is inactive`);
  }
}

// ─── input ───────────────────────────────────────────────────────────────────

export const promptKey = text({ max: 100 }).regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dots, dashes and underscores');
const slug = (max: number) => text({ max }).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, dashes and underscores');
/** `latest` is not stored: it always means the newest version. */
export const LATEST = 'latest';
export const labelName = slug(64).refine((label) => label !== LATEST, `"${LATEST}" always points at the newest version and cannot be moved`);
const tags = z.array(slug(50)).max(20, 'at most 20 tags').transform((list) => [...new Set(list)]);
const parameters = z
  .record(text({ min: 1, max: 100 }), z.json())
  .refine((p) => !containsNul(p), 'must not contain NUL characters')
  .refine((p) => JSON.stringify(p).length <= 20_000, 'at most 20,000 characters of JSON');

const versionFields = {
  template: text({ min: 1, max: 100_000, trim: false }),
  variables: promptVariablesSchema.default([]),
  parameters: parameters.default({}),
  changelog: text({ max: 2000 }).default(''),
  /** Global labels moved to the new version as part of creating it. */
  labels: z.array(labelName).max(10).default([]),
};
const versionSchema = z.object(versionFields);
const createSchema = z.object({
  key: promptKey,
  name: name(),
  description: text({ max: 2000 }).default(''),
  category: slug(50).default('general'),
  tags: tags.default([]),
  ...versionFields,
});
const updateSchema = z.object({
  name: name().optional(),
  description: text({ max: 2000 }).optional(),
  category: slug(50).optional(),
  tags: tags.optional(),
});
const labelTarget = z.object({ promptId: idSchema, label: labelName, tenantId: idSchema.optional() });
const moveSchema = labelTarget.extend({ versionId: idSchema });
const valuesSchema = z.record(z.string(), z.json(), 'a JSON object of variable values');

export type CreatePromptInput = z.input<typeof createSchema>;
export type UpdatePromptInput = z.input<typeof updateSchema>;
export type PromptVersionInput = z.input<typeof versionSchema>;
export type MovePromptLabelInput = z.input<typeof moveSchema>;

export function readVariables(json: unknown): PromptVariable[] {
  const parsed = promptVariablesSchema.safeParse(json);
  return parsed.success ? parsed.data : [];
}

export function readParameters(json: unknown): Record<string, unknown> {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

function authorId(scope: PlatformScope): string | null {
  return scope.principal.kind === 'admin' ? scope.principal.userId : null;
}

type Tx = AuditedTransaction<PlatformScope>;

// ─── prompts ─────────────────────────────────────────────────────────────────

/** Creates a prompt with its first version (and the labels given for it). */
export async function createPrompt(scope: PlatformScope, input: CreatePromptInput): Promise<Prompt> {
  const data = parseInput(createSchema, input);
  assertValidTemplate(data.template, data.variables);
  return runAudited(scope, async (tx) => {
    const prompt = await tx.db.prompt.create({
      data: { key: data.key, name: data.name, description: data.description, category: data.category, tags: data.tags, latestVersion: 1 },
    });
    const version = await tx.db.promptVersion.create({ data: versionData(scope, prompt.id, 1, data) });
    await tx.audit({ action: 'prompt.create', targetType: 'Prompt', targetId: prompt.id, after: { ...prompt, version: version.number } });
    for (const label of data.labels) await moveLabel(tx, prompt, version, label, null);
    await tx.publish('promptChanged', { promptId: prompt.id, kind: 'created' });
    return prompt;
  });
}

function versionData(scope: PlatformScope, promptId: string, number: number, data: z.output<typeof versionSchema>) {
  return {
    promptId, number, template: data.template, changelog: data.changelog, authorId: authorId(scope),
    variables: data.variables as Prisma.InputJsonArray, parameters: data.parameters as Prisma.InputJsonObject,
  };
}

/** The prompt's own fields (name, description, category, tags); its versions are untouched. */
export async function updatePrompt(scope: PlatformScope, id: string, input: UpdatePromptInput): Promise<Prompt> {
  const data = parseInput(updateSchema, input);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Prompt', id, (id) => tx.db.prompt.findUnique({ where: { id } }), { lock: tx });
    if (changedFields(before, data).length === 0) return tx.unchanged(before);
    const after = await tx.db.prompt.update({ where: { id }, data });
    await tx.audit({ action: 'prompt.update', targetType: 'Prompt', targetId: id, before, after });
    await tx.publish('promptChanged', { promptId: id, kind: 'updated' });
    return after;
  });
}

/** Switches rendering on or off; only the request that actually flips it writes an entry. */
export async function setPromptActive(scope: PlatformScope, id: string, active: boolean): Promise<Prompt> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Prompt', id, (id) => tx.db.prompt.findUnique({ where: { id } }), { lock: tx });
    if (before.active === active) return tx.unchanged(before);
    const after = await tx.db.prompt.update({ where: { id }, data: { active } });
    await tx.audit({ action: 'prompt.setActive', targetType: 'Prompt', targetId: id, before: { active: before.active }, after: { active } });
    await tx.publish('promptChanged', { promptId: id, kind: active ? 'activated' : 'deactivated' });
    return after;
  });
}

// ─── versions ────────────────────────────────────────────────────────────────

/**
 * Saves the next version. Its number comes from incrementing the prompt's counter in the statement that
 * also locks the prompt's row, so concurrent saves get 2, 3, … and never the same number.
 */
export async function createPromptVersion(scope: PlatformScope, promptId: string, input: PromptVersionInput): Promise<PromptVersion> {
  const data = parseInput(versionSchema, input);
  assertValidTemplate(data.template, data.variables);
  if (!idSchema.safeParse(promptId).success) throw InputError.field('promptId', 'not a valid id');
  return runAudited(scope, async (tx) => {
    const prompt = await tx.db.prompt.update({ where: { id: promptId }, data: { latestVersion: { increment: 1 } } }).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'P2025') throw new NotFoundError('Prompt', promptId);
      throw error;
    });
    const version = await tx.db.promptVersion.create({ data: versionData(scope, promptId, prompt.latestVersion, data) });
    await tx.audit({ action: 'promptVersion.create', targetType: 'Prompt', targetId: promptId, after: version });
    for (const label of data.labels) await moveLabel(tx, prompt, version, label, null);
    await tx.publish('promptChanged', { promptId, kind: 'versionCreated' });
    return version;
  });
}

// ─── labels ──────────────────────────────────────────────────────────────────

/** Points a label at a version, audited; nothing is written when it already points there. */
async function moveLabel(tx: Tx, prompt: Prompt, version: PromptVersion, label: string, tenantId: string | null): Promise<boolean> {
  const where = { promptId: prompt.id, name: label };
  const before = tenantId
    ? await tx.db.promptTenantLabel.findUnique({ where: { promptId_tenantId_name: { ...where, tenantId } }, select: { versionId: true } })
    : await tx.db.promptLabel.findUnique({ where: { promptId_name: where }, select: { versionId: true } });
  if (before?.versionId === version.id) return false;
  if (tenantId) {
    await tx.db.promptTenantLabel.upsert({
      where: { promptId_tenantId_name: { ...where, tenantId } },
      create: { ...where, tenantId, versionId: version.id },
      update: { versionId: version.id },
    });
  } else {
    await tx.db.promptLabel.upsert({ where: { promptId_name: where }, create: { ...where, versionId: version.id }, update: { versionId: version.id } });
  }
  const previous = before ? await tx.db.promptVersion.findUnique({ where: { id: before.versionId }, select: { number: true } }) : null;
  await tx.audit({
    action: 'promptLabel.move', targetType: 'Prompt', targetId: prompt.id, tenantId,
    before: before ? { label, tenantId, versionId: before.versionId, version: previous?.number ?? null } : null,
    after: { label, tenantId, versionId: version.id, version: version.number },
  });
  await tx.publish('promptChanged', { promptId: prompt.id, kind: 'labelMoved', label, tenantId });
  return true;
}

/**
 * Moves a label (global, or a tenant's own with `tenantId`) to a version of the same prompt. The prompt's
 * row is locked first, so two admins moving the same label are serialised: both end on a consistent
 * label, and a move to where the label already points records nothing.
 */
export async function movePromptLabel(scope: PlatformScope, input: MovePromptLabelInput): Promise<Prompt> {
  const data = parseInput(moveSchema, input, []);
  return runAudited(scope, async (tx) => {
    const prompt = await findOrNotFound('Prompt', data.promptId, (id) => tx.db.prompt.findUnique({ where: { id } }), { lock: tx, field: 'promptId' });
    const version = await tx.db.promptVersion.findFirst({ where: { id: data.versionId, promptId: prompt.id } });
    if (!version) throw new NotFoundError('PromptVersion', data.versionId);
    if (data.tenantId) await findOrNotFound('Tenant', data.tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true } }), { field: 'tenantId' });
    const moved = await moveLabel(tx, prompt, version, data.label, data.tenantId ?? null);
    return moved ? prompt : tx.unchanged(prompt);
  });
}

/** Removes a label; removing one that does not exist is a NotFoundError. */
export async function removePromptLabel(scope: PlatformScope, input: z.input<typeof labelTarget>): Promise<Prompt> {
  const data = parseInput(labelTarget, input, []);
  return runAudited(scope, async (tx) => {
    const prompt = await findOrNotFound('Prompt', data.promptId, (id) => tx.db.prompt.findUnique({ where: { id } }), { lock: tx, field: 'promptId' });
    const where = { promptId: prompt.id, name: data.label };
    const removed = data.tenantId
      ? await tx.db.promptTenantLabel.deleteMany({ where: { ...where, tenantId: data.tenantId } })
      : await tx.db.promptLabel.deleteMany({ where });
    if (removed.count === 0) throw new NotFoundError('PromptLabel', data.tenantId ? `${data.label} of tenant ${data.tenantId}` : data.label);
    const tenantId = data.tenantId ?? null;
    await tx.audit({ action: 'promptLabel.remove', targetType: 'Prompt', targetId: prompt.id, tenantId, before: { label: data.label, tenantId }, after: null });
    await tx.publish('promptChanged', { promptId: prompt.id, kind: 'labelRemoved', label: data.label, tenantId });
    return prompt;
  });
}

// ─── reading ─────────────────────────────────────────────────────────────────

function parseValues(values: unknown): Record<string, unknown> {
  return parseInput(valuesSchema, values ?? {}, ['variables']);
}

/** A saved version rendered with `variables` (the editor's preview): validated as a tenant render is, not counted. */
export async function previewPrompt(scope: PlatformScope, versionId: string, variables: unknown): Promise<{ text: string; version: PromptVersion }> {
  const version = await findOrNotFound('PromptVersion', versionId, (id) => scope.db.promptVersion.findUnique({ where: { id } }), { field: 'versionId' });
  return { text: renderTemplate(version.template, readVariables(version.variables), parseValues(variables)), version };
}

/** Unsaved template and variables rendered (the editor's live preview), checked as saving them would be. */
export function previewDraft(input: { template: string; variables?: unknown; values?: unknown }): string {
  const data = parseInput(z.object({ template: versionFields.template, variables: versionFields.variables }), input);
  assertValidTemplate(data.template, data.variables);
  return renderTemplate(data.template, data.variables, parseValues(input.values));
}

export async function diffPromptVersions(scope: PlatformScope, fromId: string, toId: string): Promise<VersionDiff & { from: PromptVersion; to: PromptVersion }> {
  const find = (field: string) => (id: string) => findOrNotFound('PromptVersion', id, (id) => scope.db.promptVersion.findUnique({ where: { id } }), { field });
  const [from, to] = await Promise.all([find('fromId')(fromId), find('toId')(toId)]);
  if (from.promptId !== to.promptId) throw InputError.field('toId', 'the two versions belong to different prompts');
  const side = (v: PromptVersion) => ({ template: v.template, variables: readVariables(v.variables), parameters: readParameters(v.parameters) });
  return { ...versionDiff(side(from), side(to)), from, to };
}

export interface PromptUsageRow {
  day: string;
  versionId: string;
  versionNumber: number;
  tenantId: string;
  tenantName: string;
  count: number;
}

const DAY_MS = 86_400_000;
const usageRange = z
  .object({ from: z.date(), to: z.date(), tenantId: idSchema.optional() })
  .refine((r) => r.from <= r.to, { message: 'must not be after `to`', path: ['from'] })
  .refine((r) => r.to.getTime() - r.from.getTime() <= 366 * DAY_MS, { message: 'at most 366 days', path: ['to'] });

/** Renders per UTC day, version and tenant in [from, to] (this process's pending counts written first). */
export async function promptUsage(scope: PlatformScope, promptId: string, range: { from: Date; to: Date; tenantId?: string | null }): Promise<PromptUsageRow[]> {
  const { from, to, tenantId } = parseInput(usageRange, { ...range, tenantId: range.tenantId ?? undefined }, []);
  await flushPromptUsage(scope);
  const day = (d: Date) => new Date(d.toISOString().slice(0, 10));
  const rows = await scope.db.promptUsageDaily.findMany({
    where: { version: { promptId }, tenantId, day: { gte: day(from), lte: day(to) } },
    select: { day: true, count: true, versionId: true, tenantId: true, version: { select: { number: true } }, tenant: { select: { name: true } } },
    orderBy: [{ day: 'asc' }, { versionId: 'asc' }, { tenantId: 'asc' }],
  });
  return rows.map((r) => ({
    day: r.day.toISOString().slice(0, 10), versionId: r.versionId, versionNumber: r.version.number, tenantId: r.tenantId, tenantName: r.tenant.name, count: r.count,
  }));
}

// ─── the tenant graph ────────────────────────────────────────────────────────

export interface RenderedPrompt {
  text: string;
  label: string;
  version: { id: string; number: number };
  parameters: Record<string, unknown>;
}

const renderSchema = z.object({ key: promptKey, label: z.union([z.literal(LATEST), labelName]) });
const renderedVersion = { select: { id: true, number: true, template: true, variables: true, parameters: true } } as const;

/**
 * Renders a prompt for the calling tenant: its own label of that name wins over the global one, `latest`
 * is the newest version. The tenant-scoped client returns only this tenant's labels.
 */
export async function renderPrompt(scope: TenantScope, input: { key: string; label: string; variables?: unknown }): Promise<RenderedPrompt> {
  const { key, label } = parseInput(renderSchema, input, []);
  const values = parseValues(input.variables);
  const prompt = await scope.db.prompt.findUnique({
    where: { key },
    select: {
      active: true, latestVersion: true,
      tenantLabels: { where: { name: label }, select: { version: renderedVersion } },
      labels: { where: { name: label }, select: { version: renderedVersion } },
      ...(label === LATEST ? { versions: { orderBy: { number: 'desc' as const }, take: 1, ...renderedVersion } } : {}),
    },
  });
  if (!prompt) throw new NotFoundError('Prompt', key);
  if (!prompt.active) throw new PromptInactiveError(key);
  const version = prompt.tenantLabels[0]?.version ?? prompt.labels[0]?.version ?? ('versions' in prompt ? prompt.versions[0] : undefined);
  if (!version) throw new NotFoundError('PromptLabel', `${key}@${label}`);
  const text = renderTemplate(version.template, readVariables(version.variables), values);
  countRender(version.id, scope.principal.tenantId);
  return { text, label, version: { id: version.id, number: version.number }, parameters: readParameters(version.parameters) };
}
