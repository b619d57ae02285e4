// The game_events pipeline (seeds 002, 003): a mobile game's events, received by the collector
// (API Gateway + Lambda + Firehose in AWS, `redline serve` here), landed as gzip JSON lines per
// event type, and COPYed every 15 minutes into one table per event type. Each landed file is
// loaded exactly once (the load-once ledger), whenever it arrives; a type with nothing new does
// not hold the run back. Sources, tables and COPY column lists all come from the event types'
// one declaration (lib/pipelines/game-events/).
import { definePipeline } from './spec.ts';
import { noNulls, uniqueKey } from './checks.ts';
import { EVENT_TYPE_NAMES, copyColumns, landingKeyPrefix, tableName } from './game-events/derive.ts';

const tables = EVENT_TYPE_NAMES.map(tableName);

export const gameEvents = definePipeline({
  name: 'game-events',
  description: "The game's events, one table per event type, for analysts.",
  schema: 'game_events/create_tables.sql',
  sources: EVENT_TYPE_NAMES.map((type) => ({
    table: tableName(type),
    prefix: landingKeyPrefix(type),
    format: { kind: 'json' as const, paths: 'auto' as const },
    columns: [...copyColumns(type)],
    gzip: true,
    load: 'new-files' as const,
    required: false,
  })),
  steps: [],
  checks: tables.flatMap((table) => [noNulls(table, ['event_id', 'event_ts']), uniqueKey(table, ['event_id'])]),
  publish: [
    {
      name: 'events_per_type_per_hour',
      sql: 'game_events/queries/events_per_type_per_hour.sql',
      chart: { title: 'Events per type per hour', kind: 'stacked-bar', x: 'event_hour', y: 'events', color: 'event_type' },
    },
    {
      name: 'events_per_host_and_type',
      sql: 'game_events/queries/events_per_host_and_type.sql',
      chart: { title: 'Events per host and type', kind: 'stacked-bar', x: 'host', y: 'events', color: 'event_type' },
    },
  ],
  reportTables: tables,
  schedule: 'rate(15 minutes)',
  sla: { maxDurationMinutes: 10, maxStalenessHours: 1 },
});
