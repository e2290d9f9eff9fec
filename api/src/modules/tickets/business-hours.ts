// Business-hours arithmetic for SLA clocks. Pure functions over a calendar: a time zone, weekly opening
// hours in local wall-clock time and whole-day holidays. Every day's windows are built from the local
// wall clock of that day and converted to instants, so a DST change shortens or lengthens the day as the
// clock on the office wall does. Iteration is bounded: nothing here walks more than MAX_DAYS local days.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { text } from '../../lib/strings.ts';

export interface WeeklyRange {
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  day: number;
  /** Local wall-clock "HH:mm". */
  start: string;
  /** Local wall-clock "HH:mm", after `start`; "24:00" is the end of the day. */
  end: string;
}

export interface Holiday {
  /** Local date "YYYY-MM-DD": the whole day has no business hours. */
  date: string;
  name: string;
}

export interface BusinessCalendar {
  timeZone: string;
  weeklyHours: readonly WeeklyRange[];
  holidays: readonly Holiday[];
}

/** The most local days any computation walks (about 3 years). */
export const MAX_DAYS = 1100;

/** No business time could be found within MAX_DAYS (a calendar whose holidays cover every open day). */
export class NoBusinessTimeError extends Error {
  override name = 'NoBusinessTimeError';
}

// ─── validation ──────────────────────────────────────────────────────────────

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const weeklyRangeSchema = z
  .object({
    day: z.number().int('a whole ISO weekday').min(1, 'an ISO weekday from 1 (Monday) to 7 (Sunday)').max(7, 'an ISO weekday from 1 (Monday) to 7 (Sunday)'),
    start: z.string().regex(clockTime, 'a local time as HH:mm (00:00 to 23:59)'),
    end: z.string().refine((v) => v === '24:00' || clockTime.test(v), 'a local time as HH:mm (00:01 to 24:00)'),
  })
  .superRefine((range, ctx) => {
    if (clockTime.test(range.start) && (range.end === '24:00' || clockTime.test(range.end)) && minutesOf(range.end) <= minutesOf(range.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    }
  });

const isoDate = z
  .string()
  .superRefine((v, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) ctx.addIssue({ code: 'custom', message: 'a date as YYYY-MM-DD' });
    else if (!DateTime.fromISO(v, { zone: 'UTC' }).isValid) ctx.addIssue({ code: 'custom', message: 'not a real date' });
  });

const holidaySchema = z.object({ date: isoDate, name: text({ min: 1, max: 200 }) });

/** A calendar as admins enter it; failures name the field (`weeklyHours.2.end: must be after start`). */
export const businessCalendarSchema = z
  .object({
    timeZone: text({ min: 1, max: 64 }).refine((zone) => IANAZone.isValidZone(zone), 'not a known IANA time zone'),
    weeklyHours: z.array(weeklyRangeSchema).min(1, 'at least one range of business hours').max(70, 'at most 70 ranges'),
    holidays: z.array(holidaySchema).max(1000, 'at most 1000 holidays').default([]),
  })
  .superRefine((calendar, ctx) => {
    const ranges = calendar.weeklyHours.map((range, index) => ({ range, index }));
    ranges.sort((a, b) => a.range.day - b.range.day || minutesOf(a.range.start) - minutesOf(b.range.start));
    for (let i = 1; i < ranges.length; i++) {
      const prev = ranges[i - 1]!;
      const next = ranges[i]!;
      if (prev.range.day === next.range.day && minutesOf(next.range.start) < minutesOf(prev.range.end)) {
        ctx.addIssue({
          code: 'custom',
          path: ['weeklyHours', next.index, 'start'],
          message: `overlaps ${prev.range.start}–${prev.range.end} on day ${prev.range.day}`,
        });
      }
    }
    const seen = new Map<string, number>();
    calendar.holidays.forEach((holiday, index) => {
      if (seen.has(holiday.date)) ctx.addIssue({ code: 'custom', path: ['holidays', index, 'date'], message: 'listed twice' });
      seen.set(holiday.date, index);
    });
  });

export type BusinessCalendarInput = z.input<typeof businessCalendarSchema>;

/** Mon–Fri 09:00–17:00 UTC, no holidays: the calendar every plan's default policies use. */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'UTC',
  weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
};

/** Reads a stored calendar (JSON columns), failing loudly when the stored shape is not a valid calendar. */
export function readCalendar(row: { timeZone: string; weeklyHours: unknown; holidays: unknown }): BusinessCalendar {
  return businessCalendarSchema.parse({ timeZone: row.timeZone, weeklyHours: row.weeklyHours, holidays: row.holidays ?? [] });
}

// ─── arithmetic ──────────────────────────────────────────────────────────────

/** The calendar prepared for walking days: ranges by weekday (sorted), holidays as a set. */
interface Prepared {
  zone: string;
  byDay: Map<number, { start: number; end: number }[]>;
  holidays: Set<string>;
}

const prepared = new WeakMap<BusinessCalendar, Prepared>();

function prepare(cal: BusinessCalendar): Prepared {
  let p = prepared.get(cal);
  if (p) return p;
  const byDay = new Map<number, { start: number; end: number }[]>();
  for (const range of cal.weeklyHours) {
    const list = byDay.get(range.day) ?? [];
    list.push({ start: minutesOf(range.start), end: minutesOf(range.end) });
    byDay.set(range.day, list);
  }
  for (const list of byDay.values()) list.sort((a, b) => a.start - b.start);
  p = { zone: cal.timeZone, byDay, holidays: new Set(cal.holidays.map((h) => h.date)) };
  prepared.set(cal, p);
  return p;
}

/** The instant of a local wall-clock minute on `day` (a local start of day); a time in a DST gap moves forward. */
function instantAt(day: DateTime, minute: number): number {
  if (minute >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

/** The business windows of one local day, as [start, end) instants in milliseconds. */
function windowsOn(p: Prepared, day: DateTime): [number, number][] {
  if (p.holidays.has(day.toISODate()!)) return [];
  const ranges = p.byDay.get(day.weekday);
  if (!ranges) return [];
  const windows: [number, number][] = [];
  for (const range of ranges) {
    const start = instantAt(day, range.start);
    const end = instantAt(day, range.end);
    // A range that falls entirely inside a DST gap has no length.
    if (end > start) windows.push([start, end]);
  }
  return windows;
}

function startDay(p: Prepared, at: Date): DateTime {
  return DateTime.fromMillis(at.getTime(), { zone: p.zone }).startOf('day');
}

/**
 * Business seconds between two instants (0 when `to` is not after `from`), with millisecond precision.
 * Ranges longer than MAX_DAYS are refused rather than walked.
 */
export function businessSecondsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(toMs > fromMs)) return 0;
  const p = prepare(cal);
  let total = 0;
  let day = startDay(p, from);
  for (let i = 0; i <= MAX_DAYS; i++) {
    if (day.toMillis() >= toMs) return total / 1000;
    for (const [start, end] of windowsOn(p, day)) {
      const overlap = Math.min(end, toMs) - Math.max(start, fromMs);
      if (overlap > 0) total += overlap;
    }
    day = day.plus({ days: 1 });
  }
  throw new RangeError(`businessSecondsBetween: the range spans more than ${MAX_DAYS} days`);
}

/**
 * The instant at which `seconds` business seconds have passed since `from`. With 0 seconds that is `from`
 * itself; otherwise it is always inside (or at the end of) a business window.
 */
export function addBusinessSeconds(cal: BusinessCalendar, from: Date, seconds: number): Date {
  const fromMs = from.getTime();
  let left = Math.max(0, seconds) * 1000;
  if (left === 0) return new Date(fromMs);
  const p = prepare(cal);
  let day = startDay(p, from);
  for (let i = 0; i <= MAX_DAYS; i++) {
    for (const [start, end] of windowsOn(p, day)) {
      const begin = Math.max(start, fromMs);
      if (end <= begin) continue;
      if (end - begin >= left) return new Date(begin + left);
      left -= end - begin;
    }
    day = day.plus({ days: 1 });
  }
  throw new NoBusinessTimeError(`no business time within ${MAX_DAYS} days of ${from.toISOString()}`);
}

