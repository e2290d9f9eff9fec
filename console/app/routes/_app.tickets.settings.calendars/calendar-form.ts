import type { FieldErrors } from '../../lib/mutation.ts';

// A business-hours calendar as a form shows it: one line of ranges per weekday ("09:00-12:00, 13:00-17:30"),
// and holidays one a line ("2026-12-25 Christmas Day"). The API checks the rest (time zone, overlaps).

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export type WeeklyRange = { day: number; start: string; end: string };
export type Holiday = { date: string; name: string };
export type CalendarInput = { name: string; timeZone: string; weeklyHours: WeeklyRange[]; holidays: Holiday[] };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A weekday's ranges as its form line: "09:00-17:00, 18:00-20:00", or "" when closed. */
export function dayLine(ranges: readonly WeeklyRange[], day: number): string {
  return ranges
    .filter((r) => r.day === day)
    .map((r) => `${r.start}-${r.end}`)
    .join(', ');
}

/** Holidays as the textarea shows them, one a line. */
export function holidayLines(holidays: readonly Holiday[]): string {
  return holidays.map((h) => `${h.date} ${h.name}`).join('\n');
}

/** "9:00" reads as "09:00". */
function time(text: string): string {
  return /^\d:\d\d$/.test(text) ? `0${text}` : text;
}

export function readCalendarForm(form: FormData): { ok: true; value: CalendarInput } | { ok: false; fieldErrors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const name = String(form.get('name') ?? '').trim();
  if (!name) fieldErrors.name = 'Give the calendar a name.';
  const timeZone = String(form.get('timeZone') ?? '').trim();
  if (!timeZone) fieldErrors.timeZone = 'Give an IANA time zone, e.g. Europe/Paris.';

  const weeklyHours: WeeklyRange[] = [];
  WEEKDAYS.forEach((label, index) => {
    const day = index + 1;
    const line = String(form.get(`day${day}`) ?? '').trim();
    if (!line) return;
    for (const part of line.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [start, end, extra] = part.split(/\s*[-–]\s*/).map(time);
      if (!start || !end || extra !== undefined || !TIME.test(start) || !TIME.test(end)) {
        fieldErrors[`day${day}`] = `${label}: write ranges as 09:00-17:00, separated by commas.`;
        return;
      }
      if (end <= start) {
        fieldErrors[`day${day}`] = `${label}: ${part} ends before it starts.`;
        return;
      }
      weeklyHours.push({ day, start, end });
    }
  });
  if (weeklyHours.length === 0 && !Object.keys(fieldErrors).some((k) => k.startsWith('day'))) fieldErrors.weeklyHours = 'Open on at least one day.';

  const holidays: Holiday[] = [];
  const lines = String(form.get('holidays') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const [date, ...rest] = line.split(/\s+/);
    const holidayName = rest.join(' ').trim();
    if (!date || !DATE.test(date) || Number.isNaN(Date.parse(date)) || !holidayName) {
      fieldErrors.holidays = `“${line}”: write a date and a name, e.g. 2026-12-25 Christmas Day.`;
      break;
    }
    holidays.push({ date, name: holidayName });
  }
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  return { ok: true, value: { name, timeZone, weeklyHours, holidays } };
}

/**
 * The API's field errors on a calendar input (`weeklyHours.3.end`, `holidays.0.date`) under the form's
 * field names: the weekday line of the range, or the holidays box.
 */
export function calendarFieldName(path: string, weeklyHours: readonly WeeklyRange[]): string {
  const range = /^weeklyHours\.(\d+)/.exec(path);
  if (range) {
    const day = weeklyHours[Number(range[1])]?.day;
    return day ? `day${day}` : 'weeklyHours';
  }
  if (path.startsWith('holidays')) return 'holidays';
  return path;
}
