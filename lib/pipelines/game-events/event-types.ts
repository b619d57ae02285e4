// Game events: the one declaration of the game API's event types (the w205 project-3 Flask game API:
// /purchase_a_sword, /join_a_guild, kills, damage, quests, store transactions, the default page).
// Each type names its HTTP route(s), its body fields (a zod schema each) and the Redshift column every
// field lands in. The tables, COPY column lists, landing prefixes and the route table are derived from
// this in derive.ts; the collector validates bodies against it.
import { z } from 'zod';

/** A Redshift column type; a VARCHAR carries its limit in bytes (Redshift counts UTF-8 bytes, not characters). */
export interface ColumnType {
  sql: string;
  maxBytes?: number;
}

/** A column as it is rendered into a table; `header` names the request header it is filled from. */
export interface TableColumn {
  name: string;
  type: ColumnType;
  notNull?: boolean;
  sortKey?: boolean;
  header?: string;
}

/** A body field: how its value is validated (from a JSON body or a query parameter, which is text) and where it lands. */
export interface FieldDeclaration {
  column: ColumnType;
  schema: z.ZodType<string | number>;
  /** An event without a required field is rejected; an optional one lands as NULL. */
  required: boolean;
}

export interface EventTypeDeclaration<N extends string = string> {
  /** The event_type value and the table name (a lower-case SQL identifier). */
  name: N;
  /** One line for the table's comment in the DDL. */
  description: string;
  /** The HTTP paths that record this event, each accepting GET (query parameters) and POST (a JSON body). */
  routes: readonly string[];
  /** Body fields, in column order. */
  fields: Readonly<Record<string, FieldDeclaration>>;
}

const varchar = (maxBytes: number): ColumnType => ({ sql: `VARCHAR(${maxBytes})`, maxBytes });

/** Non-blank text of at most `maxBytes` UTF-8 bytes. */
function text(maxBytes: number, required = true): FieldDeclaration {
  const schema = z
    .string()
    .trim()
    .min(1)
    .refine((value) => Buffer.byteLength(value, 'utf8') <= maxBytes, `at most ${maxBytes} bytes of UTF-8`);
  return { column: varchar(maxBytes), schema, required };
}

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

/** `value` checked by `schema`, taken either as a JSON body gives it or as a query parameter spells it (text). */
const numeric = (schema: z.ZodNumber): z.ZodType<number> =>
  z.preprocess((value) => (typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value), schema);

/** A non-negative whole number no larger than `max`. */
function integer(sql: 'BIGINT' | 'SMALLINT', max: number, required = true): FieldDeclaration {
  return { column: { sql }, schema: numeric(z.number().int().min(0).max(max)), required };
}

const id = (required = true): FieldDeclaration => integer('BIGINT', Number.MAX_SAFE_INTEGER, required);
const smallint = (required = true): FieldDeclaration => integer('SMALLINT', 32_767, required);

/** An amount of money: non-negative, stored with cents. */
function money(required = true): FieldDeclaration {
  return { column: { sql: 'DECIMAL(12,2)' }, schema: numeric(z.number().min(0).max(9_999_999_999.99)), required };
}

function eventType<const N extends string>(declaration: EventTypeDeclaration<N>): EventTypeDeclaration<N> {
  return declaration;
}

/** The columns every event table starts with: the event's identity, its arrival time and the request headers. */
export const LEADING_COLUMNS: readonly TableColumn[] = [
  { name: 'event_id', type: varchar(36), notNull: true },
  { name: 'event_type', type: varchar(32), notNull: true },
  { name: 'event_ts', type: { sql: 'TIMESTAMP' }, notNull: true, sortKey: true },
  { name: 'host', type: varchar(255), header: 'host' },
  { name: 'user_agent', type: varchar(512), header: 'user-agent' },
  { name: 'accept', type: varchar(512), header: 'accept' },
];

/** The column every event table ends with: the body exactly as it came (the query parameters as JSON for a GET). */
export const RAW_EVENT_COLUMN: TableColumn = { name: 'raw_event', type: varchar(65_535), notNull: true };

export const EVENT_TYPES = [
  eventType({
    name: 'page_view',
    description: 'a hit on the default page',
    routes: ['/'],
    fields: {},
  }),
  eventType({
    name: 'purchase_sword',
    description: 'a player bought a sword',
    routes: ['/purchase_a_sword'],
    // Optional: the seed's game API sends a bare GET /purchase_a_sword with no details.
    fields: { sword_type: text(64, false), sword_cost: money(false) },
  }),
  eventType({
    name: 'join_guild',
    description: 'a player joined a guild',
    routes: ['/join_a_guild'],
    fields: { guild_id: id(), guild_name: text(256) },
  }),
  eventType({
    name: 'kill_enemy',
    description: 'a player killed an enemy',
    routes: ['/kill_enemy'],
    fields: { enemy_id: id(), enemy_name: text(256), enemy_level: smallint() },
  }),
  eventType({
    name: 'take_damage',
    description: 'an enemy dealt damage to a player',
    routes: ['/take_damage'],
    fields: { enemy_id: id(), enemy_name: text(256), damage: smallint() },
  }),
  eventType({
    name: 'accept_quest',
    description: 'a player accepted a quest from a contact',
    routes: ['/accept_quest'],
    fields: { quest_id: id(), quest_name: text(256), quest_contact: text(256) },
  }),
  eventType({
    name: 'store_transaction',
    description: 'a player bought an item in a store',
    routes: ['/transaction'],
    fields: {
      store_id: id(),
      item_name: text(256),
      inventory_id: id(),
      total_cost: money(),
      category: text(64),
      on_hand_qty: smallint(),
    },
  }),
] as const;

export type EventTypeName = (typeof EVENT_TYPES)[number]['name'];
