// A zone name must mean one zone to JavaScript and to PostgreSQL: a name without a slash is first read by
// PostgreSQL as an abbreviation of a fixed offset (IST is Israel there, India to JavaScript; BST is +01:00 there,
// Bangladesh to JavaScript), so only region/city names and UTC are taken.
import { describe, expect, it } from 'vitest';

import { requireTimeZone, ValidationError } from '../../src/index.ts';

describe('time zone names', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Etc/GMT+5', 'US/Eastern', 'Pacific/Chatham'])('%s, a name with a slash, is bound as given', (zone) => {
    expect(requireTimeZone('z', zone)).toBe(zone);
  });

  it.each(['UTC', 'GMT', 'Zulu', 'UCT', 'GMT0'])("%s is bound as 'Etc/UTC', which no session's abbreviations can shadow", (zone) => {
    expect(requireTimeZone('z', zone)).toBe('Etc/UTC');
  });

  it.each(['IST', 'BST', 'CET', 'EET', 'WET', 'MET', 'EST', 'MST', 'HST', 'CST', 'PST', 'NST', 'ART', 'ACT', 'AST', 'EST5EDT', 'Japan', 'Israel'])(
    '%s, a name without a slash, is refused with a ValidationError naming a region/city instead',
    (zone) => {
      expect(() => requireTimeZone('options.timeZone', zone)).toThrow(ValidationError);
      expect(() => requireTimeZone('options.timeZone', zone)).toThrow(/region\/city/);
    },
  );

  it.each([
    ['US/Pacific-New', 'America/Los_Angeles'],
    ['Canada/East-Saskatchewan', 'America/Regina'],
    ['SystemV/EST5EDT', "a region/city name such as 'America/New_York'"],
  ])('%s, which JavaScript knows but the time zone database PostgreSQL reads no longer has, is refused before any SQL: use %s', (zone, current) => {
    expect(() => requireTimeZone('options.timeZone', zone)).toThrow(ValidationError);
    const instead = current.includes(' ') ? current : `"${current}"`;
    expect(() => requireTimeZone('options.timeZone', zone)).toThrow(`removed from the time zone database PostgreSQL reads (JavaScript still knows it): use ${instead}.`);
  });

  it.each(['Mars/Olympus', '+05:30', 'UTC+05:30', '', 'Europe/Berlin; DROP TABLE x', 42])('%s is refused', (zone) => {
    expect(() => requireTimeZone('options.timeZone', zone)).toThrow(ValidationError);
  });
});
