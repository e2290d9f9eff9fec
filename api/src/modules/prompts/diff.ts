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

export function templateLineDiff(from: string, to: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldNumber = 1;
  let newNumber = 1;
  // A missing final newline is not a change of the last line.
  const line = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  for (const change of diffLines(line(from), line(to))) {
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
  return names
    .filter((name) => !jsonEqual(toJson(before[name] ?? null), toJson(after[name] ?? null)))
    .map((name) => ({ name, before: before[name] ?? null, after: after[name] ?? null }));
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
