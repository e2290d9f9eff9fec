// The typed settings registry. Each module declares its settings once, in its manifest (`settings`), and adds
// their value types to `SettingRegistry` by declaration merging, so `getSetting(scope, 'email.fromAddress')`
// is typed by its key:
//
//   const settings = { 'email.fromAddress': defineSetting({ category: 'EMAIL', schema: email, default: '…', … }) };
//   declare module '../settings/registry.ts' { interface SettingRegistry extends SettingTypes<typeof settings> {} }
import type { z } from 'zod';
import type { PlatformScope } from '../../scope.ts';
import type { AuditedTransaction } from '../audit/service.ts';

export const SETTING_CATEGORIES = ['PRICING', 'EMAIL', 'SUPPORT', 'SECURITY', 'GENERAL'] as const;
export type SettingCategory = (typeof SETTING_CATEGORIES)[number];

/** How the console edits a value: a text box, a number, a checkbox, a choice, or JSON. Secrets are write-only text. */
export const SETTING_INPUTS = ['TEXT', 'NUMBER', 'BOOLEAN', 'SELECT', 'JSON'] as const;
export type SettingInput = (typeof SETTING_INPUTS)[number];

export interface SettingSpec<T = unknown> {
  category: SettingCategory;
  description: string;
  /** Every stored value is parsed with it, on write and again on read. */
  schema: z.ZodType<T>;
  /** The value while none is stored; a function is asked each time (a default from env, which tests may change). */
  default: T | (() => T);
  input: SettingInput;
  /** SELECT: the choices. */
  options?: readonly string[];
  /** Encrypted at rest and never returned (only whether one is set). Never tenant-overridable or tenant-visible. */
  secret?: boolean;
  /** A tenant may have its own value. */
  tenantOverridable?: boolean;
  /** The tenant graph's `viewer.settings` shows the tenant its effective value. */
  tenantVisible?: boolean;
  /** Runs inside the transaction that changes the global value (set or reset), with the values before and after. */
  onChange?: (tx: AuditedTransaction<PlatformScope>, change: { before: T; after: T }) => Promise<void>;
}

export type SettingSpecs = Readonly<Record<string, SettingSpec<any>>>;

/** Keeps the value type of a spec (T from its schema) for `SettingTypes`. */
export function defineSetting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

// Extended by modules (see above): key → value type.
export interface SettingRegistry {}
export type SettingKey = keyof SettingRegistry & string;
export type SettingTypes<T extends SettingSpecs> = { [K in keyof T]: T[K] extends SettingSpec<infer V> ? V : never };

export interface RegisteredSetting extends SettingSpec {
  key: string;
  /** The module that declared it. */
  module: string;
}

const registered = new Map<string, RegisteredSetting>();

/** `<category>.<name>`, the category in lower case: `email.fromAddress`. */
const KEY = /^([a-z]+)\.[a-z][A-Za-z0-9]*$/;

/** Called once per module by the module list; a malformed or doubly declared setting is a programming error. */
export function registerSettings(owner: string, specs: SettingSpecs): void {
  for (const [key, spec] of Object.entries(specs)) {
    const problem = specProblem(key, spec);
    if (problem) throw new Error(`Setting ${key} (${owner}): ${problem}`);
    if (registered.has(key)) throw new Error(`Setting ${key} is declared twice (${owner})`);
    registered.set(key, { ...spec, key, module: owner });
  }
}

/** What is wrong with a declaration, or null. */
export function specProblem(key: string, spec: SettingSpec): string | null {
  const match = KEY.exec(key);
  if (!match) return 'keys read <category>.<camelCaseName>';
  if (match[1] !== spec.category.toLowerCase()) return `the key's prefix must be its category (${spec.category.toLowerCase()})`;
  if (spec.secret && (spec.tenantOverridable || spec.tenantVisible)) return 'a secret is neither tenant-overridable nor tenant-visible';
  if (spec.input === 'SELECT' && !spec.options?.length) return 'a SELECT needs its options';
  if (!spec.schema.safeParse(defaultOf(spec)).success) return 'its default does not satisfy its schema';
  return null;
}

/** The value a key has while none is stored. */
export function defaultOf<T>(spec: SettingSpec<T>): T {
  return typeof spec.default === 'function' ? (spec.default as () => T)() : spec.default;
}

export function settingSpec(key: string): RegisteredSetting | undefined {
  return registered.get(key);
}

/** Every registered setting, by category then key. */
export function allSettings(): RegisteredSetting[] {
  const order = (s: RegisteredSetting) => SETTING_CATEGORIES.indexOf(s.category);
  return [...registered.values()].sort((a, b) => order(a) - order(b) || a.key.localeCompare(b.key));
}
