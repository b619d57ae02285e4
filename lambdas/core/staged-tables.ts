// Every table a run stages, with how: a source's table (COPY from the landing bucket with the
// source's options) or a flattened table (COPY of the flattener's gzip JSON lines). The planner,
// the stage task, the run scoping and the flow all read this one list.
import type { PipelineSpec, SourceSpec } from '../../lib/pipelines/spec.ts';

/** The COPY options of a staged table; a flattened table's are fixed. */
export type StagedTable = Pick<
  SourceSpec,
  'table' | 'format' | 'columns' | 'timeFormat' | 'blanksAsNull' | 'emptyAsNull' | 'gzip' | 'maxError' | 'load'
> & {
  /** The flatten it comes from, with the flattener's table name; absent for a source. */
  flattened?: { flatten: string; table: string };
};

export function stagedTables(spec: Pick<PipelineSpec, 'sources' | 'flattens'>): StagedTable[] {
  const flattened = spec.flattens.flatMap((f) =>
    Object.entries(f.staging).map(
      ([table, staging]): StagedTable => ({
        table: staging,
        format: { kind: 'json', paths: 'auto' },
        timeFormat: 'auto',
        blanksAsNull: false,
        emptyAsNull: false,
        gzip: true,
        maxError: 0,
        load: 'replace',
        flattened: { flatten: f.name, table },
      }),
    ),
  );
  return [...spec.sources, ...flattened];
}
