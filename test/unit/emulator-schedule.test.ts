import { describe, expect, it } from 'vitest';
import { Availability, CLOSED, OPEN, scheduleStatus, type Schedule } from '../../demo/contact-center/core';

const weekdays9to17 = (timeZone: string): Schedule => ({
  id: '1',
  name: 'office',
  timeZone,
  weekDays: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
});

describe('scheduleStatus', () => {
  it('is open inside the hours and closed outside, in the schedule time zone', () => {
    const s = weekdays9to17('UTC');
    expect(scheduleStatus(s, new Date('2026-11-23T09:00:00Z'))).toBe(OPEN); // Monday 09:00
    expect(scheduleStatus(s, new Date('2026-11-23T16:59:00Z'))).toBe(OPEN);
    expect(scheduleStatus(s, new Date('2026-11-23T17:00:00Z'))).toBe(CLOSED); // end is exclusive
    expect(scheduleStatus(s, new Date('2026-11-23T08:59:00Z'))).toBe(CLOSED);
    expect(scheduleStatus(s, new Date('2026-11-22T12:00:00Z'))).toBe(CLOSED); // Sunday
  });

  it('uses the local day and time of the time zone', () => {
    const tokyo = weekdays9to17('Asia/Tokyo');
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo (closed), and 00:30 UTC Monday is 09:30 (open).
    expect(scheduleStatus(tokyo, new Date('2026-11-22T23:30:00Z'))).toBe(CLOSED);
    expect(scheduleStatus(tokyo, new Date('2026-11-23T00:30:00Z'))).toBe(OPEN);
  });

  it('treats 24:00 as the end of the day', () => {
    const allDay: Schedule = { id: '1', name: 'x', timeZone: 'UTC', weekDays: [{ day: 0, start: '00:00', end: '24:00' }] };
    expect(scheduleStatus(allDay, new Date('2026-11-22T23:59:00Z'))).toBe(OPEN);
  });
});

describe('Availability', () => {
  it('reports closed, then no agents, then open', () => {
    const a = new Availability(weekdays9to17('UTC'), 2);
    a.scheduleOverride = false;
    expect(a.forQueue('support')).toEqual({ open: false, agentsAvailable: 2, reason: 'closed' });
    a.scheduleOverride = true;
    a.setAgentsAvailable('support', 0);
    expect(a.forQueue('support')).toEqual({ open: false, agentsAvailable: 0, reason: 'no-agents' });
    expect(a.forQueue('billing')).toEqual({ open: true, agentsAvailable: 2, reason: null });
    a.reset();
    expect(a.agentsAvailable('support')).toBe(2);
  });
});
