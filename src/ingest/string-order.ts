/**
 * Row indexes ordered by string keys, as `<` orders strings (UTF-16 code units), equal keys in index order: the
 * order `uniqueKeyOrder` writes a batch in. A comparison sort over random keys (UUIDs) reads strings scattered in
 * memory about twenty times each and cost seconds per million rows; here most of the order comes from a numeric
 * sort of packed prefixes, and strings are compared only among keys whose prefixes tie.
 *
 * Each key's next code units after the prefix all keys share become one number of at most 32 bits: each unit is
 * its rank among the units that occur there (0 past the key's end), so hex or decimal keys pack six to eight units;
 * units from 255 up share the last rank and end the number, so the numbers never order two keys against their
 * strings, and keys they cannot tell apart are ordered again from the next unit on. The number is packed with the
 * key's place in the input (`prefix * 2^20 + place`), so one native `Float64Array` sort orders by prefix and keeps
 * ties in input order.
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

/** Places (positions in `indexes`) beyond this many are ordered by comparison: packing would overflow 2^53. */
const MAX_PACKED = 2 ** 20;
/** Runs this short are ordered by comparison. */
const SMALL_RUN = 16;
/** Units packed at most, and the bits of the number they share (52 with the 20 of a place: exact in a double). */
const MAX_UNITS = 8;
const PREFIX_BITS = 32;

function keyOf(indexes: readonly number[], keys: readonly string[], place: number): string {
  return keys[indexes[place]!]!;
}

// `places` is in ascending order (input order), and every key in it shares its first `from` units.
function orderPlaces(places: number[], indexes: readonly number[], keys: readonly string[], from: number): number[] {
  const n = places.length;
  if (n < 2) return places;
  const byKey = (a: number, b: number) => compareStrings(keyOf(indexes, keys, a), keyOf(indexes, keys, b));
  if (n <= SMALL_RUN || n > MAX_PACKED) return places.sort(byKey);
  // The prefix every key of this run shares: skipped, so the packed units are ones that differ.
  const first = keyOf(indexes, keys, places[0]!);
  let common = first.length;
  for (let p = 1; p < n && common > from; p++) {
    const key = keyOf(indexes, keys, places[p]!);
    const max = Math.min(common, key.length);
    let j = from;
    while (j < max && key.charCodeAt(j) === first.charCodeAt(j)) j++;
    common = j;
  }
  // The units that occur in the next `MAX_UNITS` places, ranked: a key over a small alphabet (hex, digits) packs
  // more of its units into the number. Rank 0 is the end of a key; units above Latin-1 share the last rank.
  const seen = new Uint8Array(256);
  for (let p = 0; p < n; p++) {
    const key = keyOf(indexes, keys, places[p]!);
    const end = Math.min(key.length, common + MAX_UNITS);
    for (let at = common; at < end; at++) seen[Math.min(key.charCodeAt(at), 255)] = 1;
  }
  const rank = new Uint16Array(256);
  let symbols = 1;
  for (let unit = 0; unit < 256; unit++) if (seen[unit]) rank[unit] = symbols++;
  const bits = Math.max(1, Math.ceil(Math.log2(symbols)));
  const units = Math.min(MAX_UNITS, Math.floor(PREFIX_BITS / bits));
  const base = 2 ** bits;
  const packed = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const key = keyOf(indexes, keys, places[p]!);
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
    packed[p] = prefix * MAX_PACKED + p;
  }
  packed.sort();
  const out: number[] = new Array<number>(n);
  let runStart = 0;
  for (let q = 1; q <= n; q++) {
    if (q < n && packed[q]! - (packed[q]! % MAX_PACKED) === packed[runStart]! - (packed[runStart]! % MAX_PACKED)) continue;
    if (q - runStart === 1) {
      out[runStart] = places[packed[runStart]! % MAX_PACKED]!;
    } else {
      const run: number[] = new Array<number>(q - runStart);
      for (let r = runStart; r < q; r++) run[r - runStart] = places[packed[r]! % MAX_PACKED]!;
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
