import { describe, expect, it } from 'vitest';
import { calendarFieldName, dayLine, holidayLines, readCalendarForm } from './calendar-form.ts';

function form(entries: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.append(k, v);
  return f;
}

describe('readCalendarForm', () => {
  it('reads weekday lines into ranges and holidays one a line', () => {
    const read = readCalendarForm(
      form({ name: ' Paris office ', timeZone: 'Europe/Paris', day1: '9:00-12:00, 13:00 - 17:30', day5: '09:00-16:00', day7: '', holidays: '2026-12-25 Christmas Day\n\n2027-01-01 New Year' }),
    );
    expect(read).toEqual({
      ok: true,
      value: {
        name: 'Paris office',
        timeZone: 'Europe/Paris',
        weeklyHours: [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '13:00', end: '17:30' },
          { day: 5, start: '09:00', end: '16:00' },
        ],
        holidays: [
          { date: '2026-12-25', name: 'Christmas Day' },
          { date: '2027-01-01', name: 'New Year' },
        ],
      },
    });
  });

  it('takes a whole day as 00:00-24:00', () => {
    expect(readCalendarForm(form({ name: 'Always', timeZone: 'UTC', day6: '00:00-24:00' }))).toMatchObject({ ok: true, value: { weeklyHours: [{ day: 6, start: '00:00', end: '24:00' }] } });
  });

  it('names the weekday or box that cannot be read', () => {
    expect(readCalendarForm(form({ name: '', timeZone: '', day2: 'nine to five', day3: '17:00-09:00', holidays: 'Christmas' }))).toEqual({
      ok: false,
      fieldErrors: {
        name: 'Give the calendar a name.',
        timeZone: 'Give an IANA time zone, e.g. Europe/Paris.',
        day2: 'Tuesday: write ranges as 09:00-17:00, separated by commas.',
        day3: 'Wednesday: 17:00-09:00 ends before it starts.',
        holidays: '“Christmas”: write a date and a name, e.g. 2026-12-25 Christmas Day.',
      },
    });
  });

  it('refuses a calendar never open', () => {
    expect(readCalendarForm(form({ name: 'Closed', timeZone: 'UTC' }))).toEqual({ ok: false, fieldErrors: { weeklyHours: 'Open on at least one day.' } });
  });
});

describe('the form lines of a stored calendar', () => {
  const hours = [
    { day: 1, start: '09:00', end: '12:00' },
    { day: 1, start: '13:00', end: '17:00' },
    { day: 3, start: '10:00', end: '14:00' },
  ];

  it('round-trips through the form', () => {
    expect(dayLine(hours, 1)).toBe('09:00-12:00, 13:00-17:00');
    expect(dayLine(hours, 2)).toBe('');
    const holidays = [{ date: '2026-05-01', name: 'Labour Day' }];
    const read = readCalendarForm(form({ name: 'X', timeZone: 'UTC', day1: dayLine(hours, 1), day3: dayLine(hours, 3), holidays: holidayLines(holidays) }));
    expect(read).toEqual({ ok: true, value: { name: 'X', timeZone: 'UTC', weeklyHours: hours, holidays } });
  });

  it("puts the API's errors on the weekday line of the range they name", () => {
    expect(calendarFieldName('weeklyHours.2.end', hours)).toBe('day3');
    expect(calendarFieldName('weeklyHours', hours)).toBe('weeklyHours');
    expect(calendarFieldName('holidays.0.date', hours)).toBe('holidays');
    expect(calendarFieldName('timeZone', hours)).toBe('timeZone');
  });
});
