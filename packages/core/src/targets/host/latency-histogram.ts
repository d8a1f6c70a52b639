/**
 * A log-linear latency histogram over integer microseconds (the HdrHistogram idea, in 448 buckets): values
 * below 16 µs get one bucket each, then every power of two is cut in 16 equal sub-buckets, so any value is
 * known within 1/16 (about 6%) of itself, up to ~35 minutes. Recording is a few integer operations, which is
 * what the router's hot path can afford; buckets of different histograms add up exactly.
 */
export const SUB_BUCKETS = 16;
const SUB_BITS = 4;
const MAX_EXPONENT = 30;
export const BUCKET_COUNT = SUB_BUCKETS + (MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS;

/** Index of the bucket holding `micros` (negative and NaN count as 0, huge values in the last bucket). */
export function bucketOf(micros: number): number {
  if (!(micros >= 1)) return 0;
  const v = micros >= 0x7fffffff ? 0x7fffffff : Math.floor(micros);
  if (v < SUB_BUCKETS) return v;
  const exponent = 31 - Math.clz32(v);
  return (
    SUB_BUCKETS + (exponent - SUB_BITS) * SUB_BUCKETS + ((v >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1))
  );
}

/** Smallest value (µs) that falls in bucket `index`. */
export function bucketLow(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const exponent = ((index - SUB_BUCKETS) >> SUB_BITS) + SUB_BITS;
  const sub = (index - SUB_BUCKETS) & (SUB_BUCKETS - 1);
  return (SUB_BUCKETS + sub) * 2 ** (exponent - SUB_BITS);
}

/** First value (µs) past bucket `index`. */
export function bucketHigh(index: number): number {
  return index + 1 >= BUCKET_COUNT ? 2 ** 31 : bucketLow(index + 1);
}

/**
 * The `q` quantile (0..1) of a histogram in milliseconds, reported as the middle of the bucket holding the
 * sample of rank ceil(q * total). Undefined for an empty histogram.
 */
export function quantileMs(counts: ArrayLike<number>, total: number, q: number): number | undefined {
  if (total <= 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return (bucketLow(i) + bucketHigh(i)) / 2 / 1000;
  }
  return (bucketLow(counts.length - 1) + bucketHigh(counts.length - 1)) / 2 / 1000;
}

/** Sparse form for the wire: `[bucketIndex, count]` pairs of non-empty buckets. */
export type SparseHistogram = Array<[number, number]>;

export function toSparse(counts: ArrayLike<number>): SparseHistogram {
  const out: SparseHistogram = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0) out.push([i, c]);
  }
  return out;
}

/** Add sparse histograms into one dense array (used to merge several hosts' metrics exactly). */
export function mergeSparse(histograms: SparseHistogram[]): Float64Array {
  const out = new Float64Array(BUCKET_COUNT);
  for (const histogram of histograms) {
    for (const [index, count] of histogram) {
      if (Number.isInteger(index) && index >= 0 && index < BUCKET_COUNT && count > 0) out[index] += count;
    }
  }
  return out;
}
