// The feature set contract: what a model step's features query returns, checked row by row.
// One row per entity, with
//   - the model's id column (an integer or a non-empty string; unique),
//   - each of the model's feature columns (a finite number; NULL is not allowed, so the SQL decides
//     what a missing value means, e.g. COALESCE(x, 0)),
//   - `label`: 1 or 0 for a row whose outcome is known (it trains and measures the model), NULL for a
//     row whose outcome is not,
//   - `to_score`: 1 for a row to be scored (written to the target), 0 for a row only learnt from.
// A row may be both labelled and to be scored (e.g. a free user who has not upgraded yet is a
// negative example today and a candidate to score). Other columns are ignored. Numbers may arrive as numeric text (how the
// Redshift Data API returns DECIMAL), booleans as true/false.
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import type { Row } from '../ports.ts';

export const LABEL_COLUMN = 'label';
export const TO_SCORE_COLUMN = 'to_score';

/** An entity's id, as its id column holds it. */
export type EntityId = number | string;

/** One entity of the feature set. */
export interface FeatureRow {
  id: EntityId;
  /** In the order of the model's feature columns. */
  features: number[];
  label: 0 | 1 | null;
  toScore: boolean;
}

/** The columns a model reads from its feature set. */
export interface FeatureColumns {
  idColumn: string;
  features: readonly string[];
}

const numericText = z.string().regex(/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/, 'a number').transform(Number);
const finiteNumber = z.union([z.number(), numericText]).pipe(z.number().finite());
const flag = z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1'), z.boolean()]).transform((v) => v === 1 || v === '1' || v === true);

/**
 * The rows of a features query as feature rows.
 * @throws InvalidInput naming the first row that breaks the contract, or an id that repeats
 */
export function parseFeatureSet(rows: readonly Row[], columns: FeatureColumns): FeatureRow[] {
  const schema = z.object({
    [columns.idColumn]: z.union([z.number().int(), z.string().min(1)]),
    ...Object.fromEntries(columns.features.map((f) => [f, finiteNumber])),
    [LABEL_COLUMN]: z.union([flag, z.null()]),
    [TO_SCORE_COLUMN]: flag,
  });
  const seen = new Set<EntityId>();
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidInput(`feature set row ${i + 1}: ${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`);
    }
    const values = parsed.data as Record<string, unknown>;
    const id = values[columns.idColumn] as EntityId;
    if (seen.has(id)) throw new InvalidInput(`feature set row ${i + 1}: ${columns.idColumn} ${id} appears twice; one row per entity`);
    seen.add(id);
    const label = values[LABEL_COLUMN] as boolean | null;
    return {
      id,
      features: columns.features.map((f) => values[f] as number),
      label: label === null ? null : label ? 1 : 0,
      toScore: values[TO_SCORE_COLUMN] as boolean,
    };
  });
}
