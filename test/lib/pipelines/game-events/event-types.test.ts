// The game-event declaration and what is derived from it: the checked-in DDL is exactly the rendering,
// routes map to one type each, table and column names are SQL identifiers, COPY column lists are the
// tables' columns, body schemas take GET (text) and POST (JSON) values alike.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQL_ROOT } from '../../../../lib/local/project-paths.ts';
import {
  EVENT_TYPE_NAMES,
  bodySchema,
  copyColumns,
  eventTypeNamed,
  landingKeyPrefix,
  renderGameEventsDdl,
  routeTable,
  tableColumns,
  tableName,
} from '../../../../lib/pipelines/game-events/derive.ts';
import { EVENT_TYPES } from '../../../../lib/pipelines/game-events/event-types.ts';
import { sqlIdentifier } from '../../../../lib/pipelines/spec.ts';
import { splitStatements } from '../../../../lambdas/core/sql-tokens.ts';

const DDL_FILE = join(SQL_ROOT, 'game_events', 'create_tables.sql');

/** Table name → its column names, read from CREATE TABLE statements. */
function columnsInDdl(ddl: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const statement of splitStatements(ddl)) {
    const match = /CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*)\)/.exec(statement);
    if (!match) continue;
    const columns = match[2]!.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => line.split(/\s+/)[0]!);
    tables.set(match[1]!, columns);
  }
  return tables;
}

describe('game-event declaration', () => {
  it('sql/game_events/create_tables.sql is exactly renderGameEventsDdl() (regenerate it as derive.ts says)', async () => {
    expect(await readFile(DDL_FILE, 'utf8')).toBe(renderGameEventsDdl());
  });

  it('declares the seed routes, each mapping to exactly one event type', () => {
    const routes = routeTable();
    expect(Object.fromEntries(routes)).toEqual({
      '/': 'page_view',
      '/purchase_a_sword': 'purchase_sword',
      '/join_a_guild': 'join_guild',
      '/kill_enemy': 'kill_enemy',
      '/take_damage': 'take_damage',
      '/accept_quest': 'accept_quest',
      '/transaction': 'store_transaction',
    });
    const declared = EVENT_TYPES.flatMap((type) => type.routes);
    expect(new Set(declared).size).toBe(declared.length);
    for (const name of EVENT_TYPE_NAMES) expect([...routes.values()]).toContain(name);
  });

  it('names every table and column with a lower-case SQL identifier, the table after its type', () => {
    for (const name of EVENT_TYPE_NAMES) {
      expect(tableName(name)).toBe(name);
      expect(sqlIdentifier.safeParse(tableName(name)).success, name).toBe(true);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(32);
      for (const column of tableColumns(name)) expect(sqlIdentifier.safeParse(column.name).success, column.name).toBe(true);
    }
  });

  it('gives every table the leading columns, its fields, then raw_event', () => {
    expect(copyColumns('join_guild')).toEqual(['event_id', 'event_type', 'event_ts', 'host', 'user_agent', 'accept', 'guild_id', 'guild_name', 'raw_event']);
    expect(copyColumns('page_view')).toEqual(['event_id', 'event_type', 'event_ts', 'host', 'user_agent', 'accept', 'raw_event']);
    expect(copyColumns('store_transaction')).toEqual(expect.arrayContaining(['store_id', 'item_name', 'inventory_id', 'total_cost', 'category', 'on_hand_qty']));
  });

  it('makes each COPY column list the columns of its table in the DDL, in order', () => {
    const tables = columnsInDdl(renderGameEventsDdl());
    expect([...tables.keys()]).toEqual([...EVENT_TYPE_NAMES]);
    for (const name of EVENT_TYPE_NAMES) expect(copyColumns(name)).toEqual(tables.get(name));
  });

  it("lands each type under 'events/event_type=<name>/'", () => {
    expect(landingKeyPrefix('purchase_sword')).toBe('events/event_type=purchase_sword/');
    for (const name of EVENT_TYPE_NAMES) expect(landingKeyPrefix(name)).toBe(`events/event_type=${name}/`);
  });

  it('takes numbers as JSON numbers or as query-parameter text, and absent optional fields as null', () => {
    expect(bodySchema('kill_enemy').parse({ enemy_id: 3, enemy_name: 'orc', enemy_level: 12 })).toEqual({ enemy_id: 3, enemy_name: 'orc', enemy_level: 12 });
    expect(bodySchema('kill_enemy').parse({ enemy_id: '3', enemy_name: 'orc', enemy_level: '12' })).toEqual({ enemy_id: 3, enemy_name: 'orc', enemy_level: 12 });
    expect(bodySchema('purchase_sword').parse({})).toEqual({ sword_type: null, sword_cost: null });
    expect(bodySchema('page_view').parse({ referrer: 'x' })).toEqual({});
  });

  it('refuses values outside their column: non-integers, negatives, SMALLINT overflow, over-long text, another event_type', () => {
    const kill = bodySchema('kill_enemy');
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'orc', enemy_level: 1.5 }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: -3, enemy_name: 'orc', enemy_level: 1 }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'orc', enemy_level: 40_000 }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: '3x', enemy_name: 'orc', enemy_level: 1 }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'é'.repeat(129), enemy_level: 1 }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'é'.repeat(128), enemy_level: 1 }).success).toBe(true);
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'orc', enemy_level: 1, event_type: 'take_damage' }).success).toBe(false);
    expect(kill.safeParse({ enemy_id: 3, enemy_name: 'orc', enemy_level: 1, event_type: 'kill_enemy' }).success).toBe(true);
  });

  it('refuses an unknown event type by name', () => {
    expect(() => eventTypeNamed('buy_horse')).toThrow(/unknown event type 'buy_horse'; known: page_view, purchase_sword/);
  });
});
