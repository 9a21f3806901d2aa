/**
 * Row indexes ordered by string keys, as `<` orders strings (UTF-16 code units), equal keys in index order: the
 * order `uniqueKeyOrder` writes a batch in. A comparison sort over random keys (UUIDs) reads strings scattered in
 * memory about twenty times each and cost seconds per million rows; here most of the order comes from a numeric
 * sort of packed prefixes, and strings are compared only among keys whose prefixes tie.
 *
 * Each key's next code units after the prefix all keys share become one number of at most 44 bits: each unit is
 * its rank among the units that occur there (0 past the key's end), so hex or decimal keys pack eight to eleven
 * units; units from 255 up share the last rank and end the number, so the numbers never order two keys against
 * their strings, and keys they cannot tell apart are ordered again from the next unit on. The number is packed with
 * the key's place in the input (`prefix * 2^20 + place`, a 64-bit integer), so one native `BigUint64Array` sort
 * orders by prefix and keeps ties in input order.
 *
 * ```ts
 * orderByStrings([0, 1, 2, 3], ['b-2', 'a-9', 'b-10', 'a-9']); // [1, 3, 2, 0]
 * ```
 */
export function orderByStrings(indexes: readonly number[], keys: readonly unknown[]): number[] {
  const places = Array.from(indexes.keys());
  const ordered = orderPlaces(places, indexes, keys as readonly string[], 0);
  return ordered.map((place) => indexes[place]!);
}

/** Places (positions in `indexes`) beyond this many are ordered by comparison: a place takes 20 bits. */
const MAX_PACKED = 2 ** 20;
const PLACE_MASK = MAX_PACKED - 1;
/** Runs this short are ordered by comparison. */
const SMALL_RUN = 16;
/** Units packed at most, and the bits of the number they share (44 with the 20 of a place: one 64-bit integer). */
const MAX_UNITS = 11;
const PREFIX_BITS = 44;
const LOW_PREFIX = 2 ** 12;
/** Which 32-bit half of a 64-bit integer comes first in memory. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// `places` is in ascending order (input order), and every key in it shares its first `from` units.
function orderPlaces(places: number[], indexes: readonly number[], keys: readonly string[], from: number): number[] {
  const n = places.length;
  if (n < 2) return places;
  // The run's keys, read once: every pass below reads each of them.
  const runKeys = new Array<string>(n);
  for (let p = 0; p < n; p++) runKeys[p] = keys[indexes[places[p]!]!]!;
  const byKey = (a: number, b: number) => compareStrings(keys[indexes[a]!]!, keys[indexes[b]!]!);
  if (n <= SMALL_RUN || n > MAX_PACKED) return places.sort(byKey);
  // The prefix every key of this run shares: skipped, so the packed units are ones that differ.
  const first = runKeys[0]!;
  let common = first.length;
  let shared = first;
  for (let p = 1; p < n && common > from; p++) {
    const key = runKeys[p]!;
    if (key.length >= common && key.startsWith(shared)) continue;
    const max = Math.min(common, key.length);
    let j = from;
    while (j < max && key.charCodeAt(j) === first.charCodeAt(j)) j++;
    common = j;
    shared = first.slice(0, common);
  }
  // The units that occur in the next `MAX_UNITS` places, ranked: a key over a small alphabet (hex, digits) packs
  // more of its units into the number. Rank 0 is the end of a key; units above Latin-1 share the last rank.
  const seen = new Uint8Array(256);
  for (let p = 0; p < n; p++) {
    const key = runKeys[p]!;
    const end = Math.min(key.length, common + MAX_UNITS);
    for (let at = common; at < end; at++) seen[Math.min(key.charCodeAt(at), 255)] = 1;
  }
  const rank = new Uint16Array(256);
  let symbols = 1;
  for (let unit = 0; unit < 256; unit++) if (seen[unit]) rank[unit] = symbols++;
  const bits = Math.max(1, Math.ceil(Math.log2(symbols)));
  const units = Math.min(MAX_UNITS, Math.floor(PREFIX_BITS / bits));
  const base = 2 ** bits;
  // Each key's prefix (at most 44 bits, exact in a double) and place as one unsigned 64-bit integer, written as its
  // two 32-bit halves: one native sort orders by prefix, then place (input order among equal prefixes).
  const packed = new BigUint64Array(n);
  const halves = new Uint32Array(packed.buffer);
  const [low, high] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let p = 0; p < n; p++) {
    const key = runKeys[p]!;
    let prefix = 0;
    let open = true;
    for (let u = 0; u < units; u++) {
      const at = common + u;
      let symbol = 0;
      if (open && at < key.length) {
        const unit = key.charCodeAt(at);
        symbol = rank[Math.min(unit, 255)]!;
        // Units from 255 up share a rank: keys with one there are told apart by comparing them from here.
        if (unit >= 255) open = false;
      } else {
        open = false;
      }
      prefix = prefix * base + symbol;
    }
    const top = Math.floor(prefix / LOW_PREFIX);
    halves[2 * p + high] = top;
    halves[2 * p + low] = ((prefix - top * LOW_PREFIX) * MAX_PACKED + p) >>> 0;
  }
  packed.sort();
  const out: number[] = new Array<number>(n);
  let runStart = 0;
  const samePrefix = (a: number, b: number) =>
    halves[2 * a + high] === halves[2 * b + high] && halves[2 * a + low]! >>> 20 === halves[2 * b + low]! >>> 20;
  const placeAt = (q: number) => places[halves[2 * q + low]! & PLACE_MASK]!;
  for (let q = 1; q <= n; q++) {
    if (q < n && samePrefix(q, runStart)) continue;
    if (q - runStart === 1) {
      out[runStart] = placeAt(runStart);
    } else {
      const run: number[] = new Array<number>(q - runStart);
      for (let r = runStart; r < q; r++) run[r - runStart] = placeAt(r);
      // Equal packed units: the keys agree on them too, unless a unit above Latin-1 ended the number early. A run
      // as long as the input split nothing (equal keys, or units above Latin-1 right at `common`): compared instead.
      const again = run.length === n ? run.sort(byKey) : orderPlaces(run, indexes, keys, common);
      for (let r = 0; r < again.length; r++) out[runStart + r] = again[r]!;
    }
    runStart = q;
  }
  return out;
}

/** Strings as `<` orders them (UTF-16 code units). */
export function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
