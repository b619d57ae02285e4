// Everything derived from the game-event declaration (event-types.ts), as pure functions: each type's
// table columns and DDL, its COPY column list, its landing key prefix, its body schema, and the route
// table. sql/game_events/create_tables.sql is the output of renderGameEventsDdl(), checked in so the SQL
// is readable on its own; a test keeps the two equal. To regenerate it after changing the declaration:
//   npx tsx -e "import('./lib/pipelines/game-events/derive.ts').then((m) => process.stdout.write(m.renderGameEventsDdl()))" > sql/game_events/create_tables.sql
import { z } from 'zod';
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import { sqlIdentifier } from '../spec.ts';
import {
  EVENT_TYPES,
  LEADING_COLUMNS,
  RAW_EVENT_COLUMN,
  type EventTypeDeclaration,
  type EventTypeName,
  type TableColumn,
} from './event-types.ts';

/** A body field's value once validated: text, a number, or null for an absent optional field. */
export type FieldValue = string | number | null;

/** The validated body of an event: every declared field, in declaration order. */
export type EventBody = Record<string, FieldValue>;

const declarations: ReadonlyMap<string, EventTypeDeclaration<EventTypeName>> = new Map(
  EVENT_TYPES.map((declaration) => [sqlIdentifier.parse(declaration.name), declaration]),
);

export const EVENT_TYPE_NAMES: readonly EventTypeName[] = EVENT_TYPES.map((declaration) => declaration.name);

/** @throws InvalidInput for a name that is not a declared event type */
export function eventTypeNamed(name: string): EventTypeDeclaration<EventTypeName> {
  const declaration = declarations.get(name);
  if (!declaration) throw new InvalidInput(`unknown event type '${name}'; known: ${EVENT_TYPE_NAMES.join(', ')}`);
  return declaration;
}

/** The table an event type lands in: the type's own name. */
export function tableName(type: EventTypeName): string {
  return eventTypeNamed(type).name;
}

/** The table's columns: the leading columns, the type's fields (NOT NULL when required), then raw_event. */
export function tableColumns(type: EventTypeName): readonly TableColumn[] {
  const fields = Object.entries(eventTypeNamed(type).fields).map(([name, field]) => ({
    name: sqlIdentifier.parse(name),
    type: field.column,
    notNull: field.required,
  }));
  return [...LEADING_COLUMNS, ...fields, RAW_EVENT_COLUMN];
}

/** The column list of the COPY that loads the type's landed JSON lines (their keys are these names). */
export function copyColumns(type: EventTypeName): readonly string[] {
  return tableColumns(type).map((column) => column.name);
}

/** Where the type's objects land, relative to the landing bucket: 'events/event_type=<name>/'. */
export function landingKeyPrefix(type: EventTypeName): string {
  return `events/event_type=${eventTypeNamed(type).name}/`;
}

const routes: ReadonlyMap<string, EventTypeName> = (() => {
  const table = new Map<string, EventTypeName>();
  for (const { name, routes: paths } of EVENT_TYPES) {
    for (const path of paths) {
      const taken = table.get(path);
      if (taken !== undefined) throw new InvalidInput(`route ${path} is declared by both ${taken} and ${name}`);
      table.set(path, name);
    }
  }
  return table;
})();

/** Every declared HTTP path and the event type it records. */
export function routeTable(): ReadonlyMap<string, EventTypeName> {
  return routes;
}

const bodySchemas: ReadonlyMap<EventTypeName, z.ZodType<EventBody>> = new Map(
  EVENT_TYPES.map((declaration) => [declaration.name, buildBodySchema(declaration)]),
);

/**
 * The schema of the type's body: a JSON object (or the query parameters) with the declared fields,
 * absent optional ones becoming null. Other keys are kept only in raw_event; an `event_type` key, if
 * present, must name this type.
 */
export function bodySchema(type: EventTypeName): z.ZodType<EventBody> {
  const schema = bodySchemas.get(type);
  if (!schema) throw new InvalidInput(`unknown event type '${type}'`);
  return schema;
}

function buildBodySchema(declaration: EventTypeDeclaration<EventTypeName>): z.ZodType<EventBody> {
  const shape: Record<string, z.ZodType<FieldValue>> = {};
  for (const [name, field] of Object.entries(declaration.fields)) {
    shape[name] = field.required ? field.schema : field.schema.nullish().transform((value) => value ?? null);
  }
  const eventTypeKey = z.literal(declaration.name, { error: `event_type must be '${declaration.name}' on this route, or absent` });
  return z
    .object({ ...shape, event_type: eventTypeKey.optional() })
    .transform((body): EventBody => {
      const values: Record<string, unknown> = body;
      return Object.fromEntries(Object.keys(declaration.fields).map((name) => [name, values[name] as FieldValue]));
    });
}

const DDL_HEADER = [
  '-- game_events: one table per event type of the game API, each row one event as the collector received it.',
  '-- Rendered from lib/pipelines/game-events/event-types.ts by renderGameEventsDdl() (derive.ts, which says how',
  '-- to regenerate it); change the declaration, not this file: a test fails while the two differ.',
  '-- Safe to run before every run: every table is created only if absent.',
];

function renderColumns(columns: readonly TableColumn[]): string[] {
  const suffixOf = (column: TableColumn): string => [column.notNull ? 'NOT NULL' : '', column.sortKey ? 'SORTKEY' : ''].filter(Boolean).join(' ');
  const nameWidth = Math.max(...columns.map((column) => column.name.length));
  const typeWidth = Math.max(...columns.filter((column) => suffixOf(column) !== '').map((column) => column.type.sql.length));
  return columns.map((column, index) => {
    const suffix = suffixOf(column);
    const type = suffix === '' ? column.type.sql : `${column.type.sql.padEnd(typeWidth)} ${suffix}`;
    return `    ${column.name.padEnd(nameWidth)} ${type}${index < columns.length - 1 ? ',' : ''}`;
  });
}

/** The CREATE TABLE IF NOT EXISTS statements of every event table, as checked in at sql/game_events/create_tables.sql. */
export function renderGameEventsDdl(): string {
  const tables = EVENT_TYPES.map((declaration) => {
    const paths = declaration.routes.join(', ');
    return [
      `-- ${declaration.name}: ${declaration.description} (GET or POST ${paths}).`,
      `CREATE TABLE IF NOT EXISTS ${tableName(declaration.name)} (`,
      ...renderColumns(tableColumns(declaration.name)),
      ') DISTSTYLE AUTO;',
    ].join('\n');
  });
  return `${DDL_HEADER.join('\n')}\n\n${tables.join('\n\n')}\n`;
}
