// System settings in the admin graph (the registry, global values, per-tenant overrides) and the tenant
// graph (`viewer.settings`: the key's own effective values of tenant-visible settings). A secret's value
// never appears in either: `isSet` stands for it.
import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { ErrorInterface } from '../../graphql/errors.ts';
import { adminMutation, adminScope, tenantScope } from '../../graphql/helpers.ts';
import { InputError, NotFoundError } from '../../lib/errors.ts';
import { ViewerRef } from '../tenants/schema.ts';
import { defaultOf, SETTING_CATEGORIES, SETTING_INPUTS, type RegisteredSetting } from './registry.ts';
import {
  listSettings, resetSetting, resetTenantSetting, setSetting, settingEntry, SettingNotOverridableError, setTenantSetting, tenantSettings,
  visibleTenantSettings, type SettingChanged, type SettingEntry, type TenantSettingEntry,
} from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

const SettingCategoryEnum = builder.enumType('SettingCategory', { ...both, values: SETTING_CATEGORIES });
const SettingInputEnum = builder.enumType('SettingInput', {
  description: 'How the console edits a value: TEXT, NUMBER, BOOLEAN, SELECT (one of `options`) or JSON.',
  values: SETTING_INPUTS,
});
const SettingChangeKindEnum = builder.enumType('SettingChangeKind', { values: ['set', 'reset'] as const });

builder.objectType(SettingNotOverridableError, {
  name: 'SettingNotOverridableError',
  interfaces: [ErrorInterface],
  description: 'The key has one global value: tenants cannot have their own.',
  isTypeOf: (value) => value instanceof SettingNotOverridableError,
  fields: (t) => ({ key: t.exposeString('key') }),
});

const SettingDefinitionRef = builder.interfaceRef<{ spec: RegisteredSetting }>('SettingDefinition').implement({
  description: "A key of the settings registry: what it is, how it is edited, who may have their own.",
  fields: (t) => ({
    key: t.string({ resolve: (e) => e.spec.key }),
    category: t.field({ type: SettingCategoryEnum, resolve: (e) => e.spec.category }),
    description: t.string({ resolve: (e) => e.spec.description }),
    input: t.field({ type: SettingInputEnum, resolve: (e) => e.spec.input }),
    options: t.stringList({ nullable: true, description: 'SELECT: the choices.', resolve: (e) => (e.spec.options ? [...e.spec.options] : null) }),
    secret: t.boolean({ description: 'Write-only: its value is never returned.', resolve: (e) => !!e.spec.secret }),
    tenantOverridable: t.boolean({ resolve: (e) => !!e.spec.tenantOverridable }),
    tenantVisible: t.boolean({ description: "Shown to tenants (the tenant graph's viewer.settings).", resolve: (e) => !!e.spec.tenantVisible }),
    defaultValue: t.field({ type: 'JSON', nullable: true, description: 'Null for secrets.', resolve: (e) => (e.spec.secret ? null : defaultOf(e.spec)) }),
  }),
});

const SettingRef = builder.objectRef<SettingEntry>('Setting').implement({
  description: 'A key of the settings registry with its global value.',
  interfaces: [SettingDefinitionRef],
  fields: (t) => ({
    value: t.field({ type: 'JSON', nullable: true, description: 'The global value (stored, else the default); null for secrets.', resolve: (e) => e.value }),
    isSet: t.boolean({ description: 'A global value is stored (otherwise the default applies).', resolve: (e) => e.isSet }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (e) => e.updatedAt }),
    overridesCount: t.int({ description: 'Tenants with their own value.', resolve: (e) => e.overridesCount }),
  }),
});

const TenantSettingRef = builder.objectRef<TenantSettingEntry>('TenantSettingValue').implement({
  description: 'A non-secret setting as it applies to one tenant.',
  interfaces: [SettingDefinitionRef],
  fields: (t) => ({
    value: t.field({ type: 'JSON', nullable: true, description: "The tenant's effective value.", resolve: (e) => e.value }),
    globalValue: t.field({ type: 'JSON', nullable: true, description: 'What applies without an override.', resolve: (e) => e.globalValue }),
    overridden: t.boolean({ resolve: (e) => e.overridden }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the override was last set.', resolve: (e) => e.updatedAt }),
  }),
});

const SettingChangedEvent = builder.objectRef<SettingChanged>('SettingChangedEvent').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'The tenant whose override changed; null for the global value.' }),
    kind: t.field({ type: SettingChangeKindEnum, resolve: (e) => e.kind }),
  }),
});

builder.queryFields((t) => ({
  settings: t.field({
    type: [SettingRef],
    authScopes: { permission: 'READ' },
    description: 'The registry’s settings (of one category), by category then key.',
    args: { category: t.arg({ type: SettingCategoryEnum, required: false }) },
    resolve: (_root, { category }, ctx) => listSettings(adminScope(ctx), category),
  }),
  setting: t.field({
    type: SettingRef,
    nullable: true,
    authScopes: { permission: 'READ' },
    description: 'One setting by key, or null for a key the registry does not have.',
    args: { key: t.arg.string({ validate: z.string().max(100, 'at most 100 characters') }) },
    resolve: (_root, { key }, ctx) => settingEntry(adminScope(ctx), key),
  }),
  tenantSettings: t.field({
    type: [TenantSettingRef],
    nullable: true,
    authScopes: { permission: 'READ' },
    description: "Every non-secret setting's effective value for a tenant and whether it is the tenant's own; null for an unknown tenant.",
    args: { tenantId: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (_root, { tenantId }, ctx) => tenantSettings(adminScope(ctx), tenantId),
  }),
}));

const settingErrors = [InputError, NotFoundError] as const;
const overrideErrors = [InputError, NotFoundError, SettingNotOverridableError] as const;

builder.mutationFields((t) => ({
  setSetting: t.field({
    type: SettingRef,
    ...adminMutation('SETTINGS_WRITE', 'setting.set', settingErrors),
    description: "Sets a setting's global value, checked against its schema (a failure names the problem under `value`).",
    args: { key: t.arg.string(), value: t.arg({ type: 'JSON' }) },
    resolve: (_root, { key, value }, ctx) => setSetting(adminScope(ctx), key, value),
  }),
  resetSetting: t.field({
    type: SettingRef,
    ...adminMutation('SETTINGS_WRITE', 'setting.reset', settingErrors),
    description: 'Removes the global value: the default applies again.',
    args: { key: t.arg.string() },
    resolve: (_root, { key }, ctx) => resetSetting(adminScope(ctx), key),
  }),
  setTenantSetting: t.field({
    type: TenantSettingRef,
    ...adminMutation('SETTINGS_WRITE', 'tenantSetting.set', overrideErrors),
    description: 'Gives one tenant its own value of a key that allows it.',
    args: { tenantId: t.arg.id(), key: t.arg.string(), value: t.arg({ type: 'JSON' }) },
    resolve: (_root, { tenantId, key, value }, ctx) => setTenantSetting(adminScope(ctx), tenantId, key, value),
  }),
  resetTenantSetting: t.field({
    type: TenantSettingRef,
    ...adminMutation('SETTINGS_WRITE', 'tenantSetting.reset', overrideErrors),
    description: "Removes a tenant's own value: the global one applies again.",
    args: { tenantId: t.arg.id(), key: t.arg.string() },
    resolve: (_root, { tenantId, key }, ctx) => resetTenantSetting(adminScope(ctx), tenantId, key),
  }),
}));

builder.subscriptionField('settingChanged', (t) =>
  t.field({
    type: SettingChangedEvent,
    authScopes: { permission: 'READ' },
    description: 'Every change of a global value or a tenant override (of one tenant, with `tenantId`).',
    args: { tenantId: t.arg.id({ required: false }) },
    subscribe: (_root, { tenantId }, ctx) => adminScope(ctx).subscribe('settingChanged', (e) => !tenantId || e.tenantId === tenantId),
    resolve: (event) => event,
  }),
);

// ─── tenant graph ────────────────────────────────────────────────────────────

const ViewerSettingRef = builder.objectRef<{ spec: RegisteredSetting; value: unknown }>('ViewerSetting').implement({
  ...tenantOnly,
  description: "One of the settings shown to tenants, with the tenant's effective value.",
  fields: (t) => ({
    key: t.string({ ...tenantOnly, resolve: (e) => e.spec.key }),
    category: t.field({ ...tenantOnly, type: SettingCategoryEnum, resolve: (e) => e.spec.category }),
    description: t.string({ ...tenantOnly, resolve: (e) => e.spec.description }),
    value: t.field({ ...tenantOnly, type: 'JSON', nullable: true, resolve: (e) => e.value }),
  }),
});

builder.objectField(ViewerRef, 'settings', (t) =>
  t.field({
    type: [ViewerSettingRef],
    ...tenantOnly,
    description: "The tenant's effective values of the settings shown to tenants (its own where it has one), by category then key.",
    resolve: (_viewer, _args, ctx) => visibleTenantSettings(tenantScope(ctx)),
  }),
);
