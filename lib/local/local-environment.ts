// The local stand-ins for a deployment: bucket names mapped to folders, the embedded
// warehouse file, the alerts file, and the pipeline assets "deployed" to the work bucket.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { HandlerDeps, RuntimeSettings } from '../../lambdas/core/deps.ts';
import { assetUri } from '../../lambdas/core/locations.ts';
import type { Notifier } from '../../lambdas/core/ports.ts';
import { ConsoleNotifier, FanOutNotifier, JsonLinesNotifier } from './console-notifier.ts';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from './filesystem-store.ts';
import { SQL_ROOT } from './project-paths.ts';
import { SqlFolder } from './sql-folder.ts';
import { MysqlSource } from '../../lambdas/mysql/mysql-source.ts';

export const LOCAL_SETTINGS: RuntimeSettings = { landingBucket: 'redline-landing', workBucket: 'redline-work' };

export interface LocalEnvironmentOptions {
  /** The folder that stands for the landing bucket (raw data; only read). */
  dataDir: string;
  /** Where the warehouse, the work bucket and the alerts live (default `.redline`). */
  stateDir: string;
  /** Where alerts go (default: the terminal and `<stateDir>/alerts.jsonl`). */
  notifier?: Notifier;
  /** The MySQL/MariaDB database pipelines with an extract read (mysql://user:pass@host:port/db); none by default. */
  sourceDatabaseUrl?: string;
}

export interface LocalEnvironment extends HandlerDeps {
  warehouse: DuckDbWarehouse;
  close(): Promise<void>;
}

export async function openLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const store = new FilesystemObjectStore({
    [LOCAL_SETTINGS.landingBucket]: options.dataDir,
    [LOCAL_SETTINGS.workBucket]: join(options.stateDir, 'work-bucket'),
  });
  await deployAssets(store);
  const warehouse = await DuckDbWarehouse.open(join(options.stateDir, 'warehouse.duckdb'), store);
  const notifier =
    options.notifier ??
    new FanOutNotifier([new ConsoleNotifier(), new JsonLinesNotifier(join(options.stateDir, 'alerts.jsonl'))]);
  const { sourceDatabaseUrl } = options;
  return {
    warehouse,
    store,
    notifier,
    sql: new SqlFolder(),
    settings: LOCAL_SETTINGS,
    ...(sourceDatabaseUrl ? { sourceDatabase: () => MysqlSource.connect({ url: sourceDatabaseUrl }) } : {}),
    close: () => warehouse.close(),
  };
}

/** Puts the pipelines' non-SQL assets (jsonpaths files) where the cloud deployment puts them. */
async function deployAssets(store: FilesystemObjectStore): Promise<void> {
  const files = await readdir(SQL_ROOT, { recursive: true });
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    const asset = relative(SQL_ROOT, join(SQL_ROOT, file)).split(sep).join('/');
    await store.put(assetUri(LOCAL_SETTINGS, asset), await readFile(join(SQL_ROOT, file)));
  }
}
