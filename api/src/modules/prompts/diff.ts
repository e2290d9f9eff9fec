// What changed from one version to another: the template line by line, the declared variables, and the
// model parameters key by key.
import { diffLines } from 'diff';
import { jsonEqual, toJson } from '../audit/diff.ts';
import type { PromptVariable } from './templates.ts';

export type LineKind = 'ADDED' | 'REMOVED' | 'UNCHANGED';

export interface DiffLine {
  kind: LineKind;
  text: string;
  /** 1-based line in the older template (null for an added line). */
  oldNumber: number | null;
  /** 1-based line in the newer template (null for a removed line). */
  newNumber: number | null;
}

export interface ValueChange {
  /** A variable's or parameter's name. */
  name: string;
  /** Null when it was added. */
  before: unknown;
  /** Null when it was removed. */
  after: unknown;
}

export interface VersionDiff {
  lines: DiffLine[];
  variables: ValueChange[];
  parameters: ValueChange[];
}

/** The most changed lines a diff looks for before it reports the templates as wholly replaced. */
export const MAX_EDITS = 2_000;

export function templateLineDiff(from: string, to: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  // A missing final newline is not a change of the last line.
  const line = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  // Bounded: two long, wholly different templates would cost the diff O(N·D). Past MAX_EDITS changed lines
  // it gives up and the answer is "every old line removed, every new one added", still a correct diff.
  const found = diffLines(line(from), line(to), { maxEditLength: MAX_EDITS });
  const chunks = found ?? [
    { value: line(from), removed: true, added: false, count: 0 },
    { value: line(to), removed: false, added: true, count: 0 },
  ].filter((c) => c.value !== '');
  for (const change of chunks) {
    const texts = change.value.replace(/\n$/, '').split('\n');
    for (const text of texts) {
      if (change.added) lines.push({ kind: 'ADDED', text, oldNumber: null, newNumber: newNumber++ });
      else if (change.removed) lines.push({ kind: 'REMOVED', text, oldNumber: oldNumber++, newNumber: null });
      else lines.push({ kind: 'UNCHANGED', text, oldNumber: oldNumber++, newNumber: newNumber++ });
    }
  }
  return lines;
}

function changes(before: Record<string, unknown>, after: Record<string, unknown>): ValueChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const own = (values: Record<string, unknown>, name: string) => (Object.hasOwn(values, name) ? values[name] ?? null : null);
  return names
    .filter((name) => !jsonEqual(toJson(own(before, name)), toJson(own(after, name))))
    .map((name) => ({ name, before: own(before, name), after: own(after, name) }));
}

export function versionDiff(
  from: { template: string; variables: readonly PromptVariable[]; parameters: Record<string, unknown> },
  to: { template: string; variables: readonly PromptVariable[]; parameters: Record<string, unknown> },
): VersionDiff {
  const byName = (vars: readonly PromptVariable[]) => Object.fromEntries(vars.map((v) => [v.name, v]));
  return {
    lines: templateLineDiff(from.template, to.template),
    variables: changes(byName(from.variables), byName(to.variables)),
    parameters: changes(from.parameters, to.parameters),
  };
}
