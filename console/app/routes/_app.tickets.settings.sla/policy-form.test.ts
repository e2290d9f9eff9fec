import { describe, expect, it } from 'vitest';
import { formatMinutes, readPolicyForm } from './policy-form.ts';

const PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
const CAL = '7b0c6a9e-3d1f-4c55-9a63-1f2e3d4c5b6a';

function form(entries: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.append(k, v);
  return f;
}

describe('formatMinutes', () => {
  it.each([
    [0, '0 min'],
    [45, '45 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [1440, '1 d'],
    [3 * 1440 + 120, '3 d 2 h'],
  ])('%d minutes read %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});

describe('readPolicyForm', () => {
  it('reads the targets, the calendar and the escalation', () => {
    expect(readPolicyForm(form({ firstResponseMinutes: '60', nextResponseMinutes: ' 240 ', resolutionMinutes: '2880', calendarId: CAL, escalateTo: 'URGENT' }), PRIORITIES)).toEqual({
      ok: true,
      value: { firstResponseMinutes: 60, nextResponseMinutes: 240, resolutionMinutes: 2880, calendarId: CAL, escalateTo: 'URGENT' },
    });
  });

  it('reads an empty escalation as none', () => {
    expect(readPolicyForm(form({ firstResponseMinutes: '1', nextResponseMinutes: '1', resolutionMinutes: '1', calendarId: CAL, escalateTo: '' }), PRIORITIES)).toMatchObject({
      ok: true,
      value: { escalateTo: null },
    });
  });

  it('names every field it cannot send', () => {
    expect(readPolicyForm(form({ firstResponseMinutes: '0', nextResponseMinutes: '1.5', resolutionMinutes: '', calendarId: 'x', escalateTo: 'PANIC' }), PRIORITIES)).toEqual({
      ok: false,
      fieldErrors: {
        firstResponseMinutes: 'First response: a whole number of minutes, at least 1.',
        nextResponseMinutes: 'Next response: a whole number of minutes, at least 1.',
        resolutionMinutes: 'Resolution: a whole number of minutes, at least 1.',
        calendarId: 'Choose a calendar.',
        escalateTo: 'Choose a priority, or none.',
      },
    });
  });
});
