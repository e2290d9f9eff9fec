import { describe, expect, it } from 'vitest';
import { readVariables, variableField } from './send-email.ts';

describe('variableField', () => {
  it('types a string variable as text and any other sample as JSON', () => {
    expect(variableField({ name: 'name', sample: 'Ada' })).toEqual({ name: 'var.name', placeholder: 'Ada', json: false });
    expect(variableField({ name: 'tips', sample: ['a', 'b'] })).toEqual({ name: 'json.tips', placeholder: '["a","b"]', json: true });
    expect(variableField({ name: 'plain' })).toEqual({ name: 'var.plain', placeholder: undefined, json: false });
  });
});

describe('readVariables', () => {
  it('takes the var.* fields, empty ones included, parses json.* fields, and leaves other fields out', () => {
    const form = new FormData();
    form.set('intent', 'sendEmail');
    form.set('template', 'welcome');
    form.set('var.name', 'Ada');
    form.set('var.plan', '');
    form.set('var.', 'nameless');
    form.set('json.tips', '["Invite", "Connect"]');
    form.set('json.empty', '  ');
    expect(readVariables(form)).toEqual({ variables: { name: 'Ada', plan: '', tips: ['Invite', 'Connect'] }, errors: {} });
  });

  it('names a JSON field that does not parse', () => {
    const form = new FormData();
    form.set('json.tips', '[oops');
    expect(readVariables(form).errors).toEqual({ 'variables.tips': 'Not valid JSON, e.g. ["one", "two"].' });
  });
});
