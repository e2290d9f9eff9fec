import { describe, expect, it } from 'vitest';
import { readMoveForm, readOverrideForm } from './item-form.ts';
import { buildTree, flatten, parentChoices, type ItemRow } from './tree.ts';

const row = (id: string, order: number, parentId: string | null = null): ItemRow => ({ id, key: id, label: id, path: `/${id}`, order, parentId, visible: true });

describe('buildTree', () => {
  const rows = [row('b', 1), row('a', 0), row('a2', 1, 'a'), row('a1', 0, 'a'), row('a1x', 0, 'a1'), row('lost', 0, 'gone')];
  const tree = buildTree(rows);

  it('nests children under their parents in order, an unknown parent at the top', () => {
    expect(flatten(tree).map((i) => `${'-'.repeat(i.depth - 1)}${i.key}:${i.index}/${i.siblings}`)).toEqual([
      'a:0/3', '-a1:0/2', '--a1x:0/1', '-a2:1/2', 'lost:1/3', 'b:2/3',
    ]);
  });

  it('offers as parents only items with room for the subtree, never the subtree itself', () => {
    const a1 = flatten(tree).find((i) => i.key === 'a1')!;
    expect(parentChoices(tree, a1).map((i) => i.key)).toEqual(['a', 'lost', 'b']);
    expect(parentChoices(tree, null).map((i) => i.key)).toEqual(['a', 'a1', 'a2', 'lost', 'b']);
  });
});

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe('override form', () => {
  it('keeps only the fields the action uses', () => {
    expect(readOverrideForm(form({ action: 'RENAME', itemKey: 'home', label: ' Start ', path: '/x', order: '2' }))).toEqual({
      ok: true, value: { itemKey: 'home', action: 'RENAME', label: 'Start', icon: null, path: null, parentKey: null, order: null },
    });
    expect(readOverrideForm(form({ action: 'ADD', itemKey: 'crm', label: 'CRM', path: '/crm', parentKey: '', order: '' }))).toEqual({
      ok: true, value: { itemKey: 'crm', action: 'ADD', label: 'CRM', icon: null, path: '/crm', parentKey: null, order: null },
    });
  });

  it('refuses an unknown action or a position that is not a whole number', () => {
    expect(readOverrideForm(form({ action: 'EXPLODE', itemKey: 'x' }))).toEqual({ ok: false, fieldErrors: { action: 'Choose what the override does.' } });
    expect(readOverrideForm(form({ action: 'REORDER', itemKey: 'x', order: '1.5' }))).toEqual({ ok: false, fieldErrors: { order: 'A whole number.' } });
    expect(readMoveForm(form({ position: '' }))).toEqual({ ok: false, fieldErrors: { position: 'Required.' } });
  });
});
