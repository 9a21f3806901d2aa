// A zone name is bound as the zone JavaScript reads it: PostgreSQL looks a name without a slash up among its
// abbreviations of fixed offsets first (IST is Israel there, India to JavaScript; CET has no summer time there).
import { describe, expect, it } from 'vitest';

import { requireTimeZone, ValidationError } from '../../src/index.ts';

/** The offset, in minutes, JavaScript gives a zone at an instant. */
function offsetMinutes(zone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at);
  const text = parts.find((part) => part.type === 'timeZoneName')!.value; // GMT+05:30, GMT-04:00, GMT
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(text);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

describe('time zone names', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5', 'US/Eastern', 'Pacific/Chatham'])('%s, a name with a slash, is bound as given', (zone) => {
    expect(requireTimeZone('z', zone)).toBe(zone);
  });

  it.each(['IST', 'CET', 'EET', 'WET', 'MET', 'EST', 'MST', 'HST', 'EST5EDT', 'PST8PDT', 'Japan', 'Singapore', 'Israel', 'NZ', 'UTC', 'GMT', 'Zulu', 'UCT'])(
    '%s is bound as a region/city name with the offsets JavaScript gives it, summer and winter',
    (zone) => {
      const bound = requireTimeZone('z', zone);
      expect(bound).toContain('/');
      for (const at of [new Date('2026-01-15T12:00:00Z'), new Date('2026-07-15T12:00:00Z')]) {
        expect(offsetMinutes(bound, at), `${zone} → ${bound} at ${at.toISOString()}`).toBe(offsetMinutes(zone, at));
      }
    },
  );

  it("'UTC' and 'GMT' are bound as 'Etc/UTC', which no session's abbreviations can shadow", () => {
    expect(requireTimeZone('z', 'UTC')).toBe('Etc/UTC');
    expect(requireTimeZone('z', 'GMT')).toBe('Etc/UTC');
  });

  it.each(['Mars/Olympus', '+05:30', 'UTC+05:30', '', 'Europe/Berlin; DROP TABLE x', 42])('%s is refused', (zone) => {
    expect(() => requireTimeZone('options.timeZone', zone)).toThrow(ValidationError);
  });
});
