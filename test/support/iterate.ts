/**
 * Everything an async iterable (a stream of rows) yields, in order. With `max`, a stream that yields more than
 * `max` items fails instead of running on: a walk that repeats rows ends the test rather than hanging it.
 */
export async function collect<T>(iterable: AsyncIterable<T>, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) throw new Error(`the stream yielded more than the ${max} rows stored: it repeats rows`);
  }
  return out;
}
