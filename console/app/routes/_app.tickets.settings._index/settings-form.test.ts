import { describe, expect, it } from 'vitest';
import { readAgentForm, readSettingsForm, wholeNumber } from './settings-form.ts';

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.append(k, v);
  return f;
};
const STRATEGIES = ['OFF', 'ROUND_ROBIN', 'LEAST_LOADED'] as const;

describe('wholeNumber', () => {
  it.each([
    ['', null],
    [' 42 ', 42],
    ['-3', -3],
    ['4.5', Number.NaN],
    ['ten', Number.NaN],
  ])('reads %j as %s', (input, expected) => {
    expect(wholeNumber(input)).toBe(expected);
  });
});

describe('readSettingsForm', () => {
  it('sends the strategy, the size limit and the address', () => {
    expect(readSettingsForm(form({ assignmentStrategy: 'ROUND_ROBIN', supportTeamEmail: ' team@example.com ', attachmentMaxBytes: '2048' }), STRATEGIES)).toEqual({
      ok: true,
      value: { assignmentStrategy: 'ROUND_ROBIN', supportTeamEmail: 'team@example.com', attachmentMaxBytes: 2048 },
    });
  });

  it('clears the address when it is emptied and leaves an empty size limit alone', () => {
    expect(readSettingsForm(form({ assignmentStrategy: 'OFF', supportTeamEmail: '', attachmentMaxBytes: '' }), STRATEGIES)).toEqual({
      ok: true,
      value: { assignmentStrategy: 'OFF', supportTeamEmail: null },
    });
  });

  it('names every field it cannot send', () => {
    expect(readSettingsForm(form({ assignmentStrategy: 'RANDOM', attachmentMaxBytes: '1.5MB' }), STRATEGIES)).toEqual({
      ok: false,
      fieldErrors: { assignmentStrategy: 'Choose a strategy.', attachmentMaxBytes: 'A whole number of bytes.' },
    });
  });
});

describe('readAgentForm', () => {
  it('reads an unticked box as unavailable and sends the capacity shown', () => {
    expect(readAgentForm(form({ capacity: '12' }))).toEqual({ ok: true, value: { available: false, capacity: 12 } });
  });

  it('sends availability alone when the capacity field was not editable', () => {
    expect(readAgentForm(form({ available: 'on' }))).toEqual({ ok: true, value: { available: true } });
  });

  it('refuses a capacity that is not a whole number', () => {
    expect(readAgentForm(form({ available: 'on', capacity: 'lots' }))).toEqual({ ok: false, fieldErrors: { capacity: 'A whole number of open tickets.' } });
    expect(readAgentForm(form({ capacity: '' }))).toEqual({ ok: false, fieldErrors: { capacity: 'A whole number of open tickets.' } });
  });
});
