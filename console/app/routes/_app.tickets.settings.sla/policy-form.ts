import type { FieldErrors } from '../../lib/mutation.ts';
import { isUuid } from '../../lib/ids.ts';

// An SLA policy's form: targets in business minutes, the calendar they count in, and the priority a
// breach raises the ticket to.

export const TARGETS = [
  { name: 'firstResponseMinutes', label: 'First response' },
  { name: 'nextResponseMinutes', label: 'Next response' },
  { name: 'resolutionMinutes', label: 'Resolution' },
] as const;

type TargetName = (typeof TARGETS)[number]['name'];
export type PolicyTargets = Record<TargetName, number>;

/** Business minutes in words: "45 min", "4 h", "1 h 30 min", "3 d 2 h" (a day of 24 business hours). */
export function formatMinutes(minutes: number): string {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m || minutes === 0 ? `${m} min` : ''].filter(Boolean);
  return parts.join(' ');
}

type Read<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

/** The three targets, the calendar and the escalation; `priorities` are the values an escalation may take. */
export function readPolicyForm<P extends string>(
  form: FormData,
  priorities: readonly P[],
): Read<PolicyTargets & { calendarId: string; escalateTo: P | null }> {
  const fieldErrors: FieldErrors = {};
  const targets = {} as PolicyTargets;
  for (const { name, label } of TARGETS) {
    const text = String(form.get(name) ?? '').trim();
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < 1) fieldErrors[name] = `${label}: a whole number of minutes, at least 1.`;
    else targets[name] = value;
  }
  const calendarId = String(form.get('calendarId') ?? '');
  if (!isUuid(calendarId)) fieldErrors.calendarId = 'Choose a calendar.';
  const escalation = String(form.get('escalateTo') ?? '');
  const escalateTo = escalation ? (priorities.find((p) => p === escalation) ?? null) : null;
  if (escalation && !escalateTo) fieldErrors.escalateTo = 'Choose a priority, or none.';
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  return { ok: true, value: { ...targets, calendarId, escalateTo } };
}
