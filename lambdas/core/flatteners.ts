// The registered TypeScript flatteners a pipeline's flatten sources name: each turns one raw object
// into one gzip JSON-lines object per flat table (keys = column names, for COPY … JSON 'auto').
import type { ObjectStore } from './ports.ts';
import { flattenObject, flattenedObjectUri } from './assessments/flatten-object.ts';
import { ASSESSMENT_TABLE_NAMES } from './assessments/tables.ts';

/** What a flatten of one raw object read and did with it: read = loaded + duplicates + rejected. */
export interface FlattenCounts {
  read: number;
  loaded: number;
  duplicates: number;
  rejected: number;
}

export interface Flattener {
  /** The flat tables it writes, in order. */
  tables: readonly string[];
  /** Where it writes `table` for an output prefix. */
  outputUri(outputPrefixUri: string, table: string): string;
  flatten(store: ObjectStore, input: { sourceUri: string; outputPrefixUri: string }): Promise<FlattenCounts>;
}

export const FLATTENERS = {
  assessments: {
    tables: ASSESSMENT_TABLE_NAMES,
    outputUri: (prefix, table) => flattenedObjectUri(prefix, table as (typeof ASSESSMENT_TABLE_NAMES)[number]),
    flatten: async (store, input) => {
      const { summary } = await flattenObject(store, input);
      return { read: summary.read, loaded: summary.loaded, duplicates: summary.duplicates, rejected: summary.rejected };
    },
  },
} as const satisfies Record<string, Flattener>;

export type FlattenerName = keyof typeof FLATTENERS;
