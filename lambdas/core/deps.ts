// What every handler is given: the ports and the settings of the place it runs in.
// AWS entry points build these from environment variables; the local runner builds
// them from a folder and an embedded warehouse.
import type { Notifier, ObjectStore, SourceDatabase, Warehouse } from './ports.ts';

/** Where things live. Bucket names differ per deployment; keys and prefixes come from specs. */
export interface RuntimeSettings {
  /** Raw data lands here, under each source's prefix. Read-only to redline. */
  landingBucket: string;
  /** Manifests, pipeline assets (jsonpaths) and published results. */
  workBucket: string;
  /** IAM role Redshift assumes for COPY; absent locally. */
  copyRoleArn?: string;
  /** Builds a link to an execution for alerts; absent locally. */
  executionLink?: (executionName: string) => string;
}

/** Reads the pipeline SQL files (sql/<pipeline>/<step>.sql) shipped with the code. */
export interface SqlLibrary {
  read(path: string): Promise<string>;
}

export interface HandlerDeps {
  warehouse: Warehouse;
  store: ObjectStore;
  notifier: Notifier;
  sql: SqlLibrary;
  settings: RuntimeSettings;
  /** Connects to the operational database a pipeline extracts from; absent when none is configured. */
  sourceDatabase?: () => Promise<SourceDatabase>;
}
