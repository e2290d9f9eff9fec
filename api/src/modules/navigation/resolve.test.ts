import { describe, expect, it } from 'vitest';
import { requiredFlags, resolveNavigation, type DefaultItem, type NavigationNode, type TenantFacts, type TenantOverride } from './resolve.ts';

const item = (key: string, rest: Partial<DefaultItem> = {}): DefaultItem => ({
  key, label: key, icon: null, path: `/${key}`, order: 0, parentKey: null, requiredEntitlement: null, requiredFlag: null, visible: true, ...rest,
});
const override = (action: TenantOverride['action'], itemKey: string, rest: Partial<TenantOverride> = {}): TenantOverride => ({
  itemKey, action, label: null, icon: null, path: null, parentKey: null, order: null, ...rest,
});
const facts = (entitlements: string[] = [], flags: Record<string, unknown> = {}): TenantFacts => ({ entitlements, flags: new Map(Object.entries(flags)) });

/** The tree as `key(child, child)` strings, labels where they differ from the key. */
const shape = (nodes: NavigationNode[]): string[] =>
  nodes.map((n) => `${n.key}${n.label === n.key ? '' : `=${n.label}`}${n.children.length ? `(${shape(n.children).join(',')})` : ''}`);

const DEFAULTS = [
  item('home', { order: 0 }),
  item('tickets', { order: 1, requiredEntitlement: 'tickets' }),
  item('inbox', { order: 0, parentKey: 'tickets' }),
  item('archive', { order: 1, parentKey: 'tickets' }),
  item('reports', { order: 2, requiredFlag: 'reports-v2' }),
  item('billing', { order: 3 }),
  item('invoices', { order: 0, parentKey: 'billing' }),
  item('legacy', { order: 4, visible: false }),
];

describe('resolveNavigation', () => {
  const cases: { name: string; overrides?: TenantOverride[]; facts?: TenantFacts; defaults?: DefaultItem[]; tree: string[]; dropped?: [string, string][] }[] = [
    {
      name: 'defaults only: entitlement missing, flag unknown, invisible item dropped',
      tree: ['home', 'billing(invoices)'],
      dropped: [['archive', 'PARENT_DROPPED'], ['inbox', 'PARENT_DROPPED'], ['legacy', 'INVISIBLE'], ['reports', 'FLAG'], ['tickets', 'ENTITLEMENT']],
    },
    {
      name: 'the plan entitlement and a truthy flag bring their items in',
      facts: facts(['tickets'], { 'reports-v2': true }),
      tree: ['home', 'tickets(inbox,archive)', 'reports', 'billing(invoices)'],
    },
    {
      name: 'a falsy flag value (false, 0, "", null) is off',
      facts: facts(['tickets'], { 'reports-v2': 0 }),
      tree: ['home', 'tickets(inbox,archive)', 'billing(invoices)'],
      dropped: [['legacy', 'INVISIBLE'], ['reports', 'FLAG']],
    },
    {
      name: 'a non-boolean truthy flag value (a variant string) is on',
      facts: facts([], { 'reports-v2': 'beta' }),
      tree: ['home', 'reports', 'billing(invoices)'],
    },
    {
      name: 'hide removes the item and its children',
      overrides: [override('HIDE', 'billing')],
      facts: facts(['tickets']),
      tree: ['home', 'tickets(inbox,archive)'],
      dropped: [['billing', 'HIDDEN'], ['invoices', 'PARENT_DROPPED'], ['legacy', 'INVISIBLE'], ['reports', 'FLAG']],
    },
    {
      name: 'rename changes the label only',
      overrides: [override('RENAME', 'inbox', { label: 'Queue' })],
      facts: facts(['tickets']),
      tree: ['home', 'tickets(inbox=Queue,archive)', 'billing(invoices)'],
    },
    {
      name: 'reorder places the item at its position among the siblings the tenant sees',
      overrides: [override('REORDER', 'billing', { order: 0 }), override('REORDER', 'archive', { order: 0 })],
      facts: facts(['tickets']),
      tree: ['billing(invoices)', 'home', 'tickets(archive,inbox)'],
    },
    {
      name: 'several reorders land on their positions, a position past the end appends',
      overrides: [override('REORDER', 'home', { order: 9 }), override('REORDER', 'billing', { order: 1 })],
      facts: facts(['tickets'], { 'reports-v2': true }),
      tree: ['tickets(inbox,archive)', 'billing(invoices)', 'reports', 'home'],
    },
    {
      name: 'an added item sits at its position, under a default or another added item',
      overrides: [
        override('ADD', 'crm', { label: 'CRM', path: '/crm', order: 1 }),
        override('ADD', 'crm-leads', { label: 'Leads', path: '/crm/leads', parentKey: 'crm' }),
        override('ADD', 'refunds', { label: 'Refunds', path: '/billing/refunds', parentKey: 'billing', order: 0 }),
        override('ADD', 'last', { label: 'Last', path: '/last' }),
      ],
      tree: ['home', 'crm=CRM(crm-leads=Leads)', 'billing(refunds=Refunds,invoices)', 'last=Last'],
    },
    {
      name: 'an added item under a hidden or missing parent is dropped',
      overrides: [
        override('HIDE', 'home'),
        override('ADD', 'under-home', { parentKey: 'home' }),
        override('ADD', 'orphan', { parentKey: 'gone' }),
      ],
      tree: ['billing(invoices)'],
      dropped: [['archive', 'PARENT_DROPPED'], ['home', 'HIDDEN'], ['inbox', 'PARENT_DROPPED'], ['legacy', 'INVISIBLE'], ['orphan', 'PARENT_MISSING'], ['reports', 'FLAG'], ['tickets', 'ENTITLEMENT'], ['under-home', 'PARENT_DROPPED']],
    },
    {
      name: 'an added item cannot take a default key',
      overrides: [override('ADD', 'home', { label: 'Mine' })],
      tree: ['home', 'billing(invoices)'],
      dropped: [['archive', 'PARENT_DROPPED'], ['home', 'KEY_TAKEN'], ['inbox', 'PARENT_DROPPED'], ['legacy', 'INVISIBLE'], ['reports', 'FLAG'], ['tickets', 'ENTITLEMENT']],
    },
    {
      name: 'overrides of unknown items change nothing',
      overrides: [override('HIDE', 'nope'), override('RENAME', 'nope', { label: 'x' }), override('REORDER', 'nope', { order: 0 })],
      defaults: [item('a', { order: 1 }), item('b', { order: 0 })],
      tree: ['b', 'a'],
    },
    {
      name: 'added items in a cycle never reach the tree',
      overrides: [override('ADD', 'x', { parentKey: 'y' }), override('ADD', 'y', { parentKey: 'x' }), override('ADD', 'z', { parentKey: 'z' })],
      defaults: [],
      tree: [],
      dropped: [['x', 'PARENT_DROPPED'], ['y', 'PARENT_MISSING'], ['z', 'PARENT_MISSING']],
    },
    {
      name: 'nothing deeper than three levels',
      defaults: [item('a'), item('b', { parentKey: 'a' }), item('c', { parentKey: 'b' })],
      overrides: [override('ADD', 'd', { parentKey: 'c' })],
      tree: ['a(b(c))'],
      dropped: [['d', 'TOO_DEEP']],
    },
    {
      name: 'equal orders fall back to the key',
      defaults: [item('b'), item('a'), item('c', { order: -1 })],
      tree: ['c', 'a', 'b'],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = resolveNavigation(c.defaults ?? DEFAULTS, c.overrides ?? [], c.facts ?? facts());
      expect(shape(result.tree)).toEqual(c.tree);
      if (c.dropped) expect(result.dropped.map((d) => [d.key, d.reason])).toEqual(c.dropped);
    });
  }

  it('gives the same tree whatever order the rows come in', () => {
    const overrides = [override('ADD', 'crm', { parentKey: 'billing', order: 0 }), override('RENAME', 'home', { label: 'Start' }), override('REORDER', 'home', { order: 2 })];
    const one = resolveNavigation(DEFAULTS, overrides, facts(['tickets']));
    const other = resolveNavigation([...DEFAULTS].reverse(), [...overrides].reverse(), facts(['tickets']));
    expect(other).toEqual(one);
  });

  it('keeps labels, icons and paths of the nodes', () => {
    const { tree } = resolveNavigation([item('a', { label: 'Alpha', icon: 'star', path: '/alpha' })], [], facts());
    expect(tree).toEqual([{ key: 'a', label: 'Alpha', icon: 'star', path: '/alpha', children: [] }]);
  });
});

describe('requiredFlags', () => {
  it('lists each flag the defaults need once', () => {
    expect(requiredFlags([{ requiredFlag: 'b' }, { requiredFlag: null }, { requiredFlag: 'a' }, { requiredFlag: 'b' }])).toEqual(['a', 'b']);
  });
});
