/** Result rows as plain JSON values, for deep equality across runs and paths: a bigint `7n` becomes the string "7n". */
export function comparable(rows: readonly object[]): unknown[] {
  return JSON.parse(JSON.stringify(rows, (_, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));
}
