import { describe, expect, it } from 'vitest';
import { daysBetween, readValues, readVersionForm, sampleValues, usageByTenant, usageSeries } from './prompts.ts';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe('the version form', () => {
  it('reads template, variables, parameters and changelog', () => {
    expect(readVersionForm(form({ template: 'Hi {{a}}', variables: '[{"name":"a","type":"number","required":false,"default":2}]', parameters: '{"temperature":0.2}', changelog: 'c' }))).toEqual({
      input: { template: 'Hi {{a}}', variables: [{ name: 'a', type: 'NUMBER', required: false, default: 2 }], parameters: { temperature: 0.2 }, changelog: 'c' },
    });
  });
  it('treats empty JSON fields as none', () => {
    expect(readVersionForm(form({ template: 'x', variables: '', parameters: ' ' }))).toMatchObject({ input: { variables: [], parameters: {} } });
  });
  it.each([
    ['variables', { variables: '{"name":"a"}' }],
    ['variables', { variables: '[oops' }],
    ['parameters', { parameters: '[1]' }],
    ['parameters', { parameters: 'null' }],
  ])('names %s when it is not the JSON it should be', (field, fields) => {
    expect(readVersionForm(form({ template: 'x', ...fields }))).toMatchObject({ field });
  });
});

describe('preview values', () => {
  it('reads a JSON object and refuses the rest', () => {
    expect(readValues('{"a":1}')).toEqual({ a: 1 });
    expect(readValues('')).toEqual({});
    expect(readValues('[1]')).toBeNull();
    expect(readValues('{')).toBeNull();
  });
  it('samples defaults, else an example of the type', () => {
    expect(sampleValues([{ name: 'a', type: 'STRING', default: 'Ada' }, { name: 'b', type: 'NUMBER' }, { name: 'c', type: 'LIST', default: null }])).toEqual({ a: 'Ada', b: 1, c: ['one', 'two'] });
  });
});

describe('usage chart', () => {
  it('lists every day of the window', () => {
    expect(daysBetween(new Date('2026-03-30T12:00:00Z'), new Date('2026-04-02T01:00:00Z'))).toEqual(['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02']);
  });
  it('sums tenants into one series per version, with zeros', () => {
    const days = ['2026-04-01', '2026-04-02'];
    expect(usageSeries([
      { day: '2026-04-01', versionNumber: 2, count: 3 },
      { day: '2026-04-01', versionNumber: 2, count: 4 },
      { day: '2026-04-02', versionNumber: 1, count: 1 },
      { day: '2026-03-01', versionNumber: 1, count: 9 },
    ], days)).toEqual([{ version: 1, data: [0, 1] }, { version: 2, data: [7, 0] }]);
  });
  it('totals each tenant and version over the window, most first', () => {
    expect(usageByTenant([
      { day: '2026-04-01', versionNumber: 1, tenantId: 't1', tenantName: 'Acme', count: 2 },
      { day: '2026-04-02', versionNumber: 1, tenantId: 't1', tenantName: 'Acme', count: 3 },
      { day: '2026-04-02', versionNumber: 1, tenantId: 't3', tenantName: 'Acme', count: 1 },
      { day: '2026-04-02', versionNumber: 2, tenantId: 't2', tenantName: 'Beta', count: 9 },
    ])).toEqual([
      { tenantId: 't2', tenantName: 'Beta', versionNumber: 2, count: 9 },
      { tenantId: 't1', tenantName: 'Acme', versionNumber: 1, count: 5 },
      { tenantId: 't3', tenantName: 'Acme', versionNumber: 1, count: 1 },
    ]);
  });
});
