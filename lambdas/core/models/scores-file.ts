// The scores file a model step writes for COPY: CSV with a header line, one row per scored entity,
// in the columns of the step's target: the model's id column, score, model. Nothing about the run
// that scored goes in (the run audit holds that), so scoring the same data again writes the same
// rows. Scores are written with 9 decimals (no exponent, which every engine's COPY reads).
import type { EntityScore } from './train.ts';

/** The target's columns the file fills, in file order (COPY's column list). */
export function scoreColumns(idColumn: string): string[] {
  return [idColumn, 'score', 'model'];
}

/** The CSV text of `model`'s `scores`, its header naming `scoreColumns(idColumn)`. */
export function scoresCsv(idColumn: string, model: string, scores: readonly EntityScore[]): string {
  const lines = scores.map(({ id, score }) => [csvField(String(id)), score.toFixed(9), csvField(model)].join(','));
  return `${[scoreColumns(idColumn).join(','), ...lines].join('\n')}\n`;
}

/** RFC 4180: quoted, with quotes doubled. */
function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
