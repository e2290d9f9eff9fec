import { describe, expect, it } from 'vitest';
import { InputError, parseInput } from '../../lib/errors.ts';
import {
  addBusinessSeconds,
  businessCalendarSchema,
  businessSecondsBetween,
  DEFAULT_CALENDAR,
  NoBusinessTimeError,
  type BusinessCalendar,
  type WeeklyRange,
} from './business-hours.ts';

const H = 3600;
const at = (iso: string) => new Date(iso);
const days = (list: number[], start: string, end: string): WeeklyRange[] => list.map((day) => ({ day, start, end }));
const weekdays = [1, 2, 3, 4, 5];
const everyDay = [1, 2, 3, 4, 5, 6, 7];

const utcOffice = DEFAULT_CALENDAR; // Mon–Fri 09:00–17:00 UTC
const utcWithHoliday: BusinessCalendar = { ...utcOffice, holidays: [{ date: '2026-12-08', name: 'Closed Tuesday' }] };
const parisSplitDay: BusinessCalendar = {
  timeZone: 'Europe/Paris',
  weeklyHours: [...days(weekdays, '09:00', '12:00'), ...days(weekdays, '13:00', '18:00')],
  holidays: [{ date: '2026-12-25', name: 'Noël' }],
};
const parisAllDay: BusinessCalendar = { timeZone: 'Europe/Paris', weeklyHours: days(everyDay, '00:00', '24:00'), holidays: [] };
const parisSundayNight: BusinessCalendar = { timeZone: 'Europe/Paris', weeklyHours: days([7], '01:00', '04:00'), holidays: [] };
const newYorkOffice: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: days(weekdays, '09:00', '17:00'), holidays: [] };
const newYorkAllDay: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: days(everyDay, '00:00', '24:00'), holidays: [] };
const kolkataOffice: BusinessCalendar = { timeZone: 'Asia/Kolkata', weeklyHours: days(weekdays, '10:00', '19:00'), holidays: [] };
const utcAllDay: BusinessCalendar = { timeZone: 'UTC', weeklyHours: days(everyDay, '00:00', '24:00'), holidays: [] };

// 2026-12-07 is a Monday. Europe/Paris changes to summer time on 2026-03-29 and back on 2026-10-25;
// America/New_York on 2026-03-08 and 2026-11-01.
const between: [string, BusinessCalendar, string, string, number][] = [
  ['inside one window', utcOffice, '2026-12-07T10:00:00Z', '2026-12-07T12:00:00Z', 2 * H],
  ['starting before opening', utcOffice, '2026-12-07T07:00:00Z', '2026-12-07T10:00:00Z', 1 * H],
  ['overnight', utcOffice, '2026-12-07T16:00:00Z', '2026-12-08T10:00:00Z', 2 * H],
  ['over a weekend', utcOffice, '2026-12-11T16:00:00Z', '2026-12-14T10:00:00Z', 2 * H],
  ['entirely on a weekend', utcOffice, '2026-12-12T10:00:00Z', '2026-12-13T18:00:00Z', 0],
  ['a full week', utcOffice, '2026-12-07T00:00:00Z', '2026-12-14T00:00:00Z', 40 * H],
  ['over a holiday', utcWithHoliday, '2026-12-07T16:00:00Z', '2026-12-09T10:00:00Z', 2 * H],
  ['backwards is nothing', utcOffice, '2026-12-07T12:00:00Z', '2026-12-07T10:00:00Z', 0],
  ['with milliseconds', utcOffice, '2026-12-07T10:00:00.000Z', '2026-12-07T10:00:01.500Z', 1.5],
  ['Paris: two ranges a day (09:00 to 17:00 local)', parisSplitDay, '2026-12-07T08:00:00Z', '2026-12-07T16:00:00Z', 7 * H],
  ['Paris: over the lunch break', parisSplitDay, '2026-12-07T10:30:00Z', '2026-12-07T12:30:00Z', 1 * H],
  ['Paris: over Christmas (a Friday) and the weekend', parisSplitDay, '2026-12-24T16:00:00Z', '2026-12-28T09:00:00Z', 2 * H],
  ['Paris 24/7: spring-forward day has 23 hours', parisAllDay, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 23 * H],
  ['Paris 24/7: fall-back day has 25 hours', parisAllDay, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 25 * H],
  ['Paris: 01:00–04:00 loses the skipped hour in spring', parisSundayNight, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z', 2 * H],
  ['Paris: 01:00–04:00 gains the repeated hour in autumn', parisSundayNight, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z', 4 * H],
  ['Paris: a normal Sunday 01:00–04:00', parisSundayNight, '2026-12-12T00:00:00Z', '2026-12-14T00:00:00Z', 3 * H],
  ['New York: office hours follow the wall clock over fall-back', newYorkOffice, '2026-10-30T20:00:00Z', '2026-11-02T15:00:00Z', 2 * H],
  ['New York: office hours follow the wall clock over spring-forward', newYorkOffice, '2026-03-06T21:00:00Z', '2026-03-09T14:00:00Z', 2 * H],
  ['New York 24/7: Sunday 2026-11-01 has 25 hours', newYorkAllDay, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25 * H],
  ['New York 24/7: Sunday 2026-03-08 has 23 hours', newYorkAllDay, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 23 * H],
  ['Kolkata: a whole day (UTC+05:30)', kolkataOffice, '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z', 9 * H],
  ['Kolkata: the UTC day boundary is mid-morning local', kolkataOffice, '2026-12-07T12:00:00Z', '2026-12-08T05:00:00Z', 1.5 * H + 0.5 * H],
  ['24/7 UTC: plain elapsed time', utcAllDay, '2026-12-12T10:00:00Z', '2026-12-14T10:00:00Z', 48 * H],
];

const adding: [string, BusinessCalendar, string, number, string][] = [
  ['inside one window', utcOffice, '2026-12-07T10:00:00Z', 2 * H, '2026-12-07T12:00:00.000Z'],
  ['exactly to closing', utcOffice, '2026-12-07T09:00:00Z', 8 * H, '2026-12-07T17:00:00.000Z'],
  ['one second past closing goes to the next morning', utcOffice, '2026-12-07T09:00:00Z', 8 * H + 1, '2026-12-08T09:00:01.000Z'],
  ['from a Friday afternoon to Monday', utcOffice, '2026-12-11T16:30:00Z', 1 * H, '2026-12-14T09:30:00.000Z'],
  ['from a Saturday', utcOffice, '2026-12-12T12:00:00Z', 30 * 60, '2026-12-14T09:30:00.000Z'],
  ['zero seconds is the start itself, even when closed', utcOffice, '2026-12-12T12:00:00Z', 0, '2026-12-12T12:00:00.000Z'],
  ['skips a holiday', utcWithHoliday, '2026-12-07T16:00:00Z', 2 * H, '2026-12-09T10:00:00.000Z'],
  ['sub-second targets', utcOffice, '2026-12-07T10:00:00Z', 0.25, '2026-12-07T10:00:00.250Z'],
  ['Paris: over the lunch break', parisSplitDay, '2026-12-07T10:30:00Z', 1 * H, '2026-12-07T12:30:00.000Z'],
  ['Paris: over Christmas', parisSplitDay, '2026-12-24T16:00:00Z', 3 * H, '2026-12-28T10:00:00.000Z'],
  ['Paris 24/7: a day of business time over spring-forward is 24 real hours', parisAllDay, '2026-03-28T12:00:00Z', 24 * H, '2026-03-29T12:00:00.000Z'],
  ['Paris: the night window in spring ends at 04:00 summer time', parisSundayNight, '2026-03-29T00:00:00Z', 2 * H, '2026-03-29T02:00:00.000Z'],
  ['Paris: the night window in autumn runs four real hours', parisSundayNight, '2026-10-24T23:00:00Z', 4 * H, '2026-10-25T03:00:00.000Z'],
  ['New York: Friday 16:00 EDT + 2h is Monday 10:00 EST', newYorkOffice, '2026-10-30T20:00:00Z', 2 * H, '2026-11-02T15:00:00.000Z'],
  ['New York: Friday 16:00 EST + 2h is Monday 10:00 EDT', newYorkOffice, '2026-03-06T21:00:00Z', 2 * H, '2026-03-09T14:00:00.000Z'],
  ['Kolkata: a full day to 19:00 local', kolkataOffice, '2026-12-07T04:30:00Z', 9 * H, '2026-12-07T13:30:00.000Z'],
  ['Kolkata: one more second opens Tuesday', kolkataOffice, '2026-12-07T04:30:00Z', 9 * H + 1, '2026-12-08T04:30:01.000Z'],
  ['24/7 UTC: plain addition', utcAllDay, '2026-12-12T10:00:00Z', 90, '2026-12-12T10:01:30.000Z'],
];

describe('business seconds between two instants', () => {
  it.each(between)('%s', (_name, cal, from, to, expected) => {
    expect(businessSecondsBetween(cal, at(from), at(to))).toBe(expected);
  });
});

describe('adding business seconds', () => {
  it.each(adding)('%s', (_name, cal, from, seconds, expected) => {
    expect(addBusinessSeconds(cal, at(from), seconds).toISOString()).toBe(expected);
  });

  it.each(adding.filter(([, , , seconds]) => seconds > 0))('round-trips: %s', (_name, cal, from, seconds) => {
    expect(businessSecondsBetween(cal, at(from), addBusinessSeconds(cal, at(from), seconds))).toBeCloseTo(seconds, 6);
  });
});

describe('a clock that pauses', () => {
  // A 4-hour target started Monday 10:00 UTC, paused at 12:00 (2h banked), resumed at the given time.
  const target = 4 * H;
  const cases: [string, BusinessCalendar, string, string, string, string][] = [
    ['resumed the next afternoon', utcOffice, '2026-12-07T10:00:00Z', '2026-12-07T12:00:00Z', '2026-12-08T15:00:00Z', '2026-12-08T17:00:00.000Z'],
    ['resumed on a Saturday: due Monday', utcOffice, '2026-12-11T10:00:00Z', '2026-12-11T12:00:00Z', '2026-12-12T09:00:00Z', '2026-12-14T11:00:00.000Z'],
    ['resumed before a holiday', utcWithHoliday, '2026-12-07T10:00:00Z', '2026-12-07T12:00:00Z', '2026-12-07T16:00:00Z', '2026-12-09T10:00:00.000Z'],
    ['paused over a DST change (New York)', newYorkOffice, '2026-10-30T13:00:00Z', '2026-10-30T15:00:00Z', '2026-11-02T14:00:00Z', '2026-11-02T16:00:00.000Z'],
  ];
  it.each(cases)('%s', (_name, cal, startedAt, pausedAt, resumedAt, due) => {
    const banked = businessSecondsBetween(cal, at(startedAt), at(pausedAt));
    expect(banked).toBe(2 * H);
    expect(addBusinessSeconds(cal, at(resumedAt), target - banked).toISOString()).toBe(due);
  });

  it('the paused time does not count', () => {
    const started = at('2026-12-07T10:00:00Z');
    const unpaused = addBusinessSeconds(utcOffice, started, target);
    expect(unpaused.toISOString()).toBe('2026-12-07T14:00:00.000Z');
    const banked = businessSecondsBetween(utcOffice, started, at('2026-12-07T12:00:00Z'));
    const resumed = addBusinessSeconds(utcOffice, at('2026-12-07T13:00:00Z'), target - banked);
    expect(resumed.getTime() - unpaused.getTime()).toBe(H * 1000);
  });
});

describe('bounded work', () => {
  it('refuses to walk a range longer than about three years', () => {
    expect(() => businessSecondsBetween(utcOffice, at('2020-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('stops when no business time exists within about three years', () => {
    const closed: BusinessCalendar = {
      timeZone: 'UTC',
      weeklyHours: days([1], '09:00', '10:00'),
      holidays: Array.from({ length: 160 }, (_, i) => ({ date: new Date(Date.UTC(2026, 11, 7 + 7 * i)).toISOString().slice(0, 10), name: `Closed ${i}` })),
    };
    expect(businessCalendarSchema.safeParse(closed).success).toBe(true);
    expect(() => addBusinessSeconds(closed, at('2026-12-07T00:00:00Z'), 60)).toThrow(NoBusinessTimeError);
  });
});

describe('calendar validation', () => {
  const valid = { timeZone: 'Europe/Paris', weeklyHours: days(weekdays, '09:00', '17:00'), holidays: [] };
  const fieldsOf = (input: unknown) => {
    try {
      parseInput(businessCalendarSchema, input);
    } catch (error) {
      if (error instanceof InputError) return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw error;
    }
    return [];
  };

  it('accepts a valid calendar, a 24:00 end and touching ranges', () => {
    expect(fieldsOf(valid)).toEqual([]);
    expect(fieldsOf({ ...valid, weeklyHours: [{ day: 1, start: '00:00', end: '12:00' }, { day: 1, start: '12:00', end: '24:00' }] })).toEqual([]);
  });

  const bad: [string, unknown, string[]][] = [
    ['an unknown time zone', { ...valid, timeZone: 'Mars/Olympus' }, ['input.timeZone: not a known IANA time zone']],
    ['no hours at all', { ...valid, weeklyHours: [] }, ['input.weeklyHours: at least one range of business hours']],
    ['an end before the start', { ...valid, weeklyHours: [{ day: 1, start: '17:00', end: '09:00' }] }, ['input.weeklyHours.0.end: must be after start']],
    ['an empty range', { ...valid, weeklyHours: [{ day: 1, start: '09:00', end: '09:00' }] }, ['input.weeklyHours.0.end: must be after start']],
    ['a malformed time', { ...valid, weeklyHours: [{ day: 1, start: '9am', end: '25:00' }] }, [
      'input.weeklyHours.0.start: a local time as HH:mm (00:00 to 23:59)', 'input.weeklyHours.0.end: a local time as HH:mm (00:01 to 24:00)',
    ]],
    ['a day out of range', { ...valid, weeklyHours: [{ day: 8, start: '09:00', end: '10:00' }] }, ['input.weeklyHours.0.day: an ISO weekday from 1 (Monday) to 7 (Sunday)']],
    ['overlapping ranges', { ...valid, weeklyHours: [{ day: 2, start: '09:00', end: '13:00' }, { day: 2, start: '12:00', end: '17:00' }] }, [
      'input.weeklyHours.1.start: overlaps 09:00–13:00 on day 2',
    ]],
    ['a date that does not exist', { ...valid, holidays: [{ date: '2026-02-30', name: 'Nope' }] }, ['input.holidays.0.date: not a real date']],
    ['a date in another format', { ...valid, holidays: [{ date: '25/12/2026', name: 'Noël' }] }, ['input.holidays.0.date: a date as YYYY-MM-DD']],
    ['a holiday twice', { ...valid, holidays: [{ date: '2026-12-25', name: 'A' }, { date: '2026-12-25', name: 'B' }] }, ['input.holidays.1.date: listed twice']],
    ['a holiday without a name', { ...valid, holidays: [{ date: '2026-12-25', name: ' ' }] }, ['input.holidays.0.name: required']],
  ];
  it.each(bad)('rejects %s, naming the field', (_name, input, expected) => {
    expect(fieldsOf(input)).toEqual(expected);
  });
});
