// Business hours: a weekly schedule evaluated in its own time zone, as the Tenant Schedule API does.
export interface WeekDayHours {
  /** 0 = Sunday ... 6 = Saturday */
  day: number;
  /** "HH:MM", inclusive */
  start: string;
  /** "HH:MM", exclusive; "24:00" is the end of the day */
  end: string;
}

export interface Schedule {
  id: string;
  name: string;
  timeZone: string;
  weekDays: WeekDayHours[];
}

export const OPEN = 0;
export const CLOSED = -1;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** 0 (OPEN) or -1 (CLOSED) at the given instant. */
export function scheduleStatus(schedule: Schedule, at: Date): typeof OPEN | typeof CLOSED {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: schedule.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(get('weekday'));
  const now = Number(get('hour')) * 60 + Number(get('minute'));
  const open = schedule.weekDays.some((d) => d.day === day && now >= minutes(d.start) && now < minutes(d.end));
  return open ? OPEN : CLOSED;
}
