/**
 * Instants and days as the UTC text PostgreSQL reads, computed from the time value: a bulk insert formats a
 * million of them, and reading a `Date`'s UTC fields one getter at a time cost more than the rest of COPY's
 * encoding together. Years are validated to 1..9999 before these run.
 */

const MS_PER_DAY = 86_400_000;
/** Days from 0000-03-01 (the start of a 400-year cycle counted from March) to 1970-01-01. */
const DAYS_TO_EPOCH = 719_468;
const DAYS_PER_ERA = 146_097;

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * `YYYY-MM-DD` of the UTC day `day` days after 1970-01-01. Counting years from March puts the leap day last, so a
 * month's first day follows from the day of the year by one linear formula (153 days per five months).
 */
function dayText(day: number): string {
  // Rows of a batch often share their day with the row before.
  if (day === lastDay) return lastDayText;
  const shifted = day + DAYS_TO_EPOCH;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const dayOfMonth = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const yearText = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  lastDay = day;
  lastDayText = `${yearText}-${TWO_DIGITS[month]!}-${TWO_DIGITS[dayOfMonth]!}`;
  return lastDayText;
}
let lastDay = Number.NaN;
let lastDayText = '';

/**
 * `YYYY-MM-DD` of a UTC day.
 *
 * ```ts
 * formatUtcDate(new Date('2026-03-01T23:59:59Z')); // '2026-03-01'
 * ```
 */
export function formatUtcDate(date: Date): string {
  return dayText(Math.floor(date.getTime() / MS_PER_DAY));
}

/**
 * `YYYY-MM-DD hh:mm:ss.mmm+00`: an explicit UTC offset, so the session's TimeZone cannot shift it.
 *
 * ```ts
 * formatUtcTimestamp(new Date('2026-03-29T01:30:00.250Z')); // '2026-03-29 01:30:00.250+00'
 * ```
 */
export function formatUtcTimestamp(date: Date): string {
  const time = date.getTime();
  const day = Math.floor(time / MS_PER_DAY);
  let rest = time - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${dayText(day)} ${TWO_DIGITS[hours]!}:${TWO_DIGITS[minutes]!}:${TWO_DIGITS[seconds]!}.${THREE_DIGITS[rest - seconds * 1000]!}+00`;
}
