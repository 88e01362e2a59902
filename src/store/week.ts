/**
 * Turns and feedback are counted per ISO week; the store fills the week when it records them.
 * The ISO-8601 week of a moment (UTC), "2026-W48": weeks start on Monday, week 1 holds the year's first Thursday.
 */
export function isoWeek(ms: number): string {
  const date = new Date(ms);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The week belongs to the year of its Thursday.
  const thursday = new Date(midnight + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}
