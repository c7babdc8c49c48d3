/** Small statistics and formatting helpers of the benchmark. */

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function mean(values) {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

/** Rounds for display and JSON: 3 significant decimals at most. */
export function round(x, digits = 3) {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function millis(ms) {
  return `${Math.round(ms)} ms`;
}

export function megabytes(kb) {
  return `${(kb / 1024).toFixed(1)} MB`;
}
