/** One result line of the benchmark: what was measured, against what, and the verdict. */

/**
 * @param {object} r
 * @param {string} r.id            stable identifier (results.json)
 * @param {string} r.what          what was measured, in words
 * @param {number|null} r.measured the median measurement (null: not measured)
 * @param {string} r.unit          's', 'ms' or 'MB'
 * @param {string} r.referenceKind 'floor' | 'baseline' | 'limit'
 * @param {number|null} r.reference
 * @param {number|null} r.ratio
 * @param {string} r.target        e.g. '<= 1.3x'
 * @param {boolean|null} r.pass    null: skipped or could not be measured
 * @param {string} [r.note]        how it was measured, what was scaled or skipped
 * @param {object} [r.details]     raw figures for results.json
 */
export function row(r) {
  return { note: '', details: {}, ...r };
}

function fmt(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (unit === 'ms') return `${Math.round(value)} ms`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  return `${value} ${unit}`;
}

export function verdict(r) {
  return r.pass === true ? 'PASS' : r.pass === false ? 'FAIL' : 'SKIP';
}

/** The printed line of a row. */
export function formatRow(r) {
  const ratio =
    r.ratio === null || r.ratio === undefined || !Number.isFinite(r.ratio)
      ? '-'
      : r.ratio >= 100
        ? `${Math.round(r.ratio)}x`
        : `${r.ratio.toFixed(2)}x`;
  return `${verdict(r).padEnd(4)}  ${r.what.padEnd(58)} measured ${fmt(r.measured, r.unit).padStart(9)}  ${r.referenceKind} ${fmt(r.reference, r.unit).padStart(10)}  ratio ${ratio.padStart(6)}  target ${r.target}`;
}
