/** Materialising generated rows: every generator here is `rowAt(i)`, a pure function of the row index. */

/** Rows [from, to) of a data set. */
export function rowsBetween<Row>(rowAt: (i: number) => Row, from: number, to: number): Row[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => rowAt(from + k));
}

/** Rows [0, total) in slices of at most `sliceRows`, for data sets that should not sit in memory at once. */
export function* rowSlices<Row>(rowAt: (i: number) => Row, total: number, sliceRows: number): Generator<Row[]> {
  for (let start = 0; start < total; start += sliceRows) yield rowsBetween(rowAt, start, Math.min(total, start + sliceRows));
}
