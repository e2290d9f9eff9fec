import { describe, expect, it } from 'vitest';
import { MAX_EDITS, templateLineDiff, versionDiff } from './diff.ts';
import {
  MissingPromptVariableError, promptVariablesSchema, PromptVariableTypeError, renderTemplate, templateProblems, UnknownPromptVariableError,
  type PromptVariable,
} from './templates.ts';

const vars = (list: Partial<PromptVariable>[]): PromptVariable[] => promptVariablesSchema.parse(list);

describe('checking a template against its declared variables', () => {
  const declared = vars([
    { name: 'name' },
    { name: 'steps', type: 'LIST' },
    { name: 'account', type: 'OBJECT' },
    { name: 'vip', type: 'BOOLEAN' },
  ]);
  it.each([
    ['plain text', 'Hello', []],
    ['a declared variable', 'Hello {{name}}', []],
    ['triple braces and & (no escaping in prompts anyway)', '{{{name}}} {{&name}}', []],
    ['a list section with item fields and {{.}}', '{{#steps}}- {{.}} {{title}}\n{{/steps}}', []],
    ['an object section with its fields', '{{#account}}{{plan}} {{seats}}{{/account}}', []],
    ['a dotted path into an object', '{{account.plan}}', []],
    ['a boolean condition and its inverse', '{{#vip}}Priority{{/vip}}{{^vip}}Standard{{/vip}}', []],
    ['a comment', '{{! not rendered }}Hi', []],
    ['an undeclared variable', 'Hello {{nmae}}', [{ line: 1, column: 7, message: 'undeclared variable "nmae"' }]],
    ['an undeclared variable on a later line', 'Hi\n  {{who}}', [{ line: 2, column: 3, message: 'undeclared variable "who"' }]],
    ['an undeclared section', '{{#items}}x{{/items}}', [{ line: 1, column: 1, message: 'undeclared variable "items"' }]],
    ['an undeclared name inside a boolean section', '{{#vip}}{{tier}}{{/vip}}', [{ line: 1, column: 9, message: 'undeclared variable "tier"' }]],
    ['{{.}} outside a list', '{{.}}', [{ line: 1, column: 1, message: '"{{.}}" is only meaningful inside a LIST or OBJECT section' }]],
    ['a partial', '{{> footer}}', [{ line: 1, column: 1, message: 'partials are not supported ("{{> footer}}")' }]],
    ['a delimiter change', '{{=<% %>=}}', [{ line: 1, column: 1, message: 'changing delimiters is not supported' }]],
    ['an unclosed section', 'a {{#steps}} b', [{ line: 1, column: 15, message: 'Unclosed section "steps"' }]],
    ['an unclosed tag (where the input ends)', 'a {{name', [{ line: 1, column: 9, message: 'Unclosed tag' }]],
  ])('%s', (_what, template, problems) => {
    expect(templateProblems(template, declared)).toEqual(problems);
  });
});

describe('declaring variables', () => {
  it('defaults type STRING, required, no description', () => {
    expect(vars([{ name: 'x' }])).toEqual([{ name: 'x', type: 'STRING', required: true, description: '' }]);
  });
  it.each([
    ['a name that is not an identifier', [{ name: '1st' }], '0.name'],
    ['the same name twice', [{ name: 'a' }, { name: 'a' }], ''],
    ['a default of another type', [{ name: 'n', type: 'NUMBER', default: 'five' }], '0.default'],
    ['an unknown type', [{ name: 'n', type: 'DATE' }], '0.type'],
  ])('refuses %s', (_what, list, path) => {
    const result = promptVariablesSchema.safeParse(list);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('rendering with validated variables', () => {
  const declared = vars([
    { name: 'name' },
    { name: 'product', required: false, default: 'Opsgraph' },
    { name: 'words', type: 'NUMBER', required: false },
    { name: 'steps', type: 'LIST', required: false },
    { name: 'vip', type: 'BOOLEAN', required: false },
  ]);
  const template = 'Hi {{name}} from {{product}}{{#words}} in {{words}} words{{/words}}.{{#steps}}\n- {{.}}{{/steps}}{{#vip}} (VIP){{/vip}}';

  it.each([
    ['required only, default used', { name: 'Ada' }, 'Hi Ada from Opsgraph.'],
    ['a default overridden', { name: 'Ada', product: 'Acme' }, 'Hi Ada from Acme.'],
    ['a number', { name: 'Ada', words: 40 }, 'Hi Ada from Opsgraph in 40 words.'],
    ['a list', { name: 'Ada', steps: ['restart', 'reinstall'] }, 'Hi Ada from Opsgraph.\n- restart\n- reinstall'],
    ['a boolean', { name: 'Ada', vip: true }, 'Hi Ada from Opsgraph. (VIP)'],
    ['null as left out', { name: 'Ada', words: null }, 'Hi Ada from Opsgraph.'],
    ['no HTML escaping', { name: '<b>"Ada" & co</b>' }, 'Hi <b>"Ada" & co</b> from Opsgraph.'],
  ])('%s', (_what, values, text) => {
    expect(renderTemplate(template, declared, values)).toBe(text);
  });

  it.each([
    ['a missing required variable', {}, new MissingPromptVariableError('name')],
    ['an unknown variable', { name: 'Ada', nmae: 'x' }, new UnknownPromptVariableError('nmae')],
    ['a string for a number', { name: 'Ada', words: '40' }, new PromptVariableTypeError('words', 'NUMBER', 'STRING')],
    ['a string for a list', { name: 'Ada', steps: 'restart' }, new PromptVariableTypeError('steps', 'LIST', 'STRING')],
    ['a number for a string', { name: 5 }, new PromptVariableTypeError('name', 'STRING', 'NUMBER')],
    ['an object for a boolean', { name: 'Ada', vip: {} }, new PromptVariableTypeError('vip', 'BOOLEAN', 'OBJECT')],
  ])('refuses %s with a typed error naming the variable', (_what, values, error) => {
    expect(() => renderTemplate(template, declared, values)).toThrow(error);
    try {
      renderTemplate(template, declared, values);
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(error.constructor);
      expect(thrown).toMatchObject({ variable: (error as { variable: string }).variable });
    }
  });
});

describe('variables named like built-in object properties', () => {
  it('treats constructor and __proto__ as ordinary variables: defaults apply, values are kept', () => {
    const declared = vars([{ name: 'constructor', required: false, default: 'built' }, { name: '__proto__', required: false }]);
    expect(renderTemplate('{{constructor}}/{{__proto__}}', declared, {})).toBe('built/');
    expect(renderTemplate('{{constructor}}/{{__proto__}}', declared, JSON.parse('{"__proto__": "kept"}'))).toBe('built/kept');
  });
});

describe('diff between versions', () => {
  it('reports two wholly different long templates as replaced instead of searching without bound', () => {
    const from = Array.from({ length: MAX_EDITS * 2 }, (_, i) => `a${i}`).join('\n');
    const to = Array.from({ length: MAX_EDITS * 2 }, (_, i) => `b${i}`).join('\n');
    const lines = templateLineDiff(from, to);
    expect(lines).toHaveLength(MAX_EDITS * 4);
    expect(lines[0]).toEqual({ kind: 'REMOVED', text: 'a0', oldNumber: 1, newNumber: null });
    expect(lines[MAX_EDITS * 2]).toEqual({ kind: 'ADDED', text: 'b0', oldNumber: null, newNumber: 1 });
    expect(lines.at(-1)).toEqual({ kind: 'ADDED', text: `b${MAX_EDITS * 2 - 1}`, oldNumber: null, newNumber: MAX_EDITS * 2 });
  });


  it('numbers the template lines on both sides', () => {
    expect(templateLineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { kind: 'UNCHANGED', text: 'a', oldNumber: 1, newNumber: 1 },
      { kind: 'REMOVED', text: 'b', oldNumber: 2, newNumber: null },
      { kind: 'ADDED', text: 'B', oldNumber: null, newNumber: 2 },
      { kind: 'UNCHANGED', text: 'c', oldNumber: 3, newNumber: 3 },
      { kind: 'ADDED', text: 'd', oldNumber: null, newNumber: 4 },
    ]);
  });

  it('lists variables and parameters that were added, removed or changed', () => {
    const diff = versionDiff(
      { template: 'x', variables: vars([{ name: 'a' }, { name: 'b' }]), parameters: { model: 'm1', temperature: 0.2, top_p: 1 } },
      { template: 'x', variables: vars([{ name: 'a', required: false }, { name: 'c', type: 'NUMBER' }]), parameters: { model: 'm1', temperature: 0.5, max_tokens: 100 } },
    );
    expect(diff.lines).toEqual([{ kind: 'UNCHANGED', text: 'x', oldNumber: 1, newNumber: 1 }]);
    expect(diff.variables.map((v) => [v.name, v.before === null ? 'added' : v.after === null ? 'removed' : 'changed'])).toEqual([
      ['a', 'changed'], ['b', 'removed'], ['c', 'added'],
    ]);
    expect(diff.parameters).toEqual([
      { name: 'max_tokens', before: null, after: 100 },
      { name: 'temperature', before: 0.2, after: 0.5 },
      { name: 'top_p', before: 1, after: null },
    ]);
  });
});
