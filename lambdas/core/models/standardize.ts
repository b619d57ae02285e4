// Standardisation of feature vectors: each feature shifted by its mean and divided by its standard
// deviation over the rows it is fitted on (the training rows only, so the holdout stays unseen).
// A feature constant over those rows is only centred, so it contributes nothing instead of NaN.

/** Per feature, the mean and the scale (standard deviation, 1 when it is 0) to standardise with. */
export interface Standardizer {
  readonly means: readonly number[];
  readonly scales: readonly number[];
}

/** Fits a standardizer on `rows` (equal-length feature vectors, at least one row). */
export function fitStandardizer(rows: readonly (readonly number[])[]): Standardizer {
  const width = rows[0]?.length ?? 0;
  const column = (j: number) => rows.map((row) => row[j]!);
  const means = Array.from({ length: width }, (_, j) => mean(column(j)));
  const scales = means.map((m, j) => Math.sqrt(mean(column(j).map((v) => (v - m) ** 2))) || 1);
  return { means, scales };
}

/** `row` standardised with `standardizer`. */
export function standardize(standardizer: Standardizer, row: readonly number[]): number[] {
  return row.map((value, j) => (value - standardizer.means[j]!) / standardizer.scales[j]!);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
