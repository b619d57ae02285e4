// The game_events tables and saved queries end to end on the local warehouse: events enriched and landed
// by the buffer, the checked-in DDL run, each type COPYed (gzip JSON, its COPY column list) from its
// landing prefix, and every saved query answered as figures computed here from the same events say.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySpecSchema } from '../../../../lambdas/core/copy-spec.ts';
import { enrichEvent, type GameEventRecord } from '../../../../lambdas/core/game-events/enrich.ts';
import { LandingBuffer } from '../../../../lambdas/core/game-events/landing-buffer.ts';
import type { Row } from '../../../../lambdas/core/ports.ts';
import { splitStatements } from '../../../../lambdas/core/sql-tokens.ts';
import { Rng } from '../../../../lib/generators/random.ts';
import { DuckDbWarehouse } from '../../../../lib/local/duckdb/duckdb-warehouse.ts';
import { FilesystemObjectStore } from '../../../../lib/local/filesystem-store.ts';
import { SQL_ROOT } from '../../../../lib/local/project-paths.ts';
import { EVENT_TYPE_NAMES, copyColumns, landingKeyPrefix } from '../../../../lib/pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../../../lib/pipelines/game-events/event-types.ts';
import { listSavedQueries, savedQuerySql } from '../../../../lib/pipelines/saved-queries.ts';

const BUCKET = 'redline-landing';
const HOSTS = ['user1.comcast.com', 'user2.att.com', 'user3.verizon.net'];
const ENEMIES = ['goblin', 'orc', 'troll', 'wyvern'];
const CATEGORIES = ['potions', 'armor', 'weapons'];

function body(rng: Rng, type: EventTypeName): Record<string, string | number> {
  const enemy = rng.int(ENEMIES.length);
  switch (type) {
    case 'page_view':
      return {};
    case 'purchase_sword':
      return { sword_type: rng.pick(['katana', 'rapier']), sword_cost: rng.pick([95.25, 120]) };
    case 'join_guild':
      return { guild_id: 1 + rng.int(3), guild_name: 'Guild' };
    case 'kill_enemy':
      return { enemy_id: enemy + 1, enemy_name: ENEMIES[enemy]!, enemy_level: rng.range(1, 30) };
    case 'take_damage':
      return { enemy_id: enemy + 1, enemy_name: ENEMIES[enemy]!, damage: rng.range(1, 90) };
    case 'accept_quest':
      return { quest_id: 1 + rng.int(4), quest_name: 'Quest', quest_contact: 'Elder' };
    case 'store_transaction':
      return {
        store_id: 1 + rng.int(2),
        item_name: 'thing',
        inventory_id: 100 + rng.int(9),
        total_cost: rng.range(1, 20_000) / 100,
        category: rng.pick(CATEGORIES),
        on_hand_qty: rng.range(0, 99),
      };
  }
}

const count = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

describe('the game_events saved queries on a loaded warehouse', () => {
  let dir: string;
  let warehouse: DuckDbWarehouse;
  const events: GameEventRecord[] = [];
  const context = { runId: 'game-events-queries', step: 'load' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'game-events-'));
    const store = new FilesystemObjectStore({ [BUCKET]: dir });
    const buffer = new LandingBuffer({ store, bucket: BUCKET, maxBytes: 8 * 1024 });
    const rng = new Rng(11, 'game-events-queries');
    const start = Date.parse('2024-06-01T09:50:00.000Z');
    for (let i = 0; i < 240; i++) {
      const type = i < EVENT_TYPE_NAMES.length ? EVENT_TYPE_NAMES[i]! : rng.pick(EVENT_TYPE_NAMES);
      const enrichment = enrichEvent(type, JSON.stringify(body(rng, type)), { host: rng.pick(HOSTS) }, new Date(start + i * 10_000), `evt-${i}`);
      if (!enrichment.ok) throw enrichment.rejection;
      events.push(enrichment.record);
      buffer.append(type, enrichment.record);
    }
    await buffer.close();

    warehouse = await DuckDbWarehouse.open(':memory:', store);
    const ddl = await readFile(join(SQL_ROOT, 'game_events', 'create_tables.sql'), 'utf8');
    await warehouse.executeInTransaction(splitStatements(ddl), { ...context, step: 'schema' });
    for (const type of EVENT_TYPE_NAMES) {
      const spec = copySpecSchema.parse({
        table: type,
        columns: [...copyColumns(type)],
        from: `s3://${BUCKET}/${landingKeyPrefix(type)}`,
        format: { kind: 'json', paths: 'auto' },
        gzip: true,
      });
      expect(await warehouse.copy(spec, context)).toMatchObject({ loaded: events.filter((e) => e.event_type === type).length, rejected: 0 });
    }
  });

  afterAll(async () => {
    await warehouse?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string): Promise<Row[]> {
    return warehouse.query(await savedQuerySql('game_events', name));
  }

  it('lists the saved queries, each described by its first comment line', async () => {
    const queries = await listSavedQueries('game_events');
    expect(queries.map((q) => q.name)).toEqual([
      'damage_taken_by_enemy',
      'events_per_host_and_type',
      'events_per_type_per_hour',
      'store_revenue_by_category',
      'swords_vs_guilds',
      'top_enemies_killed',
      'total_events',
    ]);
    for (const { name, description } of queries) expect(description.length, name).toBeGreaterThan(20);
  });

  it('loads every landed event into its table, raw body and headers included', async () => {
    expect(await warehouse.query("SELECT host, guild_id, raw_event FROM join_guild WHERE event_id = 'evt-2'")).toEqual([
      { host: events[2]!.host, guild_id: events[2]!.guild_id, raw_event: events[2]!.raw_event },
    ]);
  });

  it('total_events: every event, and those that are not page views', async () => {
    const pageViews = events.filter((e) => e.event_type === 'page_view').length;
    expect(await run('total_events')).toEqual([{ total_events: events.length, game_events: events.length - pageViews }]);
  });

  it('events_per_host_and_type: events by host then type', async () => {
    const groups = count(events, (e) => `${e.host}|${e.event_type}`);
    const expected = [...groups.keys()].sort(byText).map((key) => {
      const [host, event_type] = key.split('|');
      return { host, event_type, events: groups.get(key)!.length };
    });
    expect(await run('events_per_host_and_type')).toEqual(expected);
  });

  it('swords_vs_guilds: swords bought, guilds joined and the difference', async () => {
    const swords = events.filter((e) => e.event_type === 'purchase_sword').length;
    const guilds = events.filter((e) => e.event_type === 'join_guild').length;
    expect(await run('swords_vs_guilds')).toEqual([{ swords_purchased: swords, guilds_joined: guilds, swords_minus_guilds: swords - guilds }]);
  });

  it('events_per_type_per_hour: events by arrival hour then type', async () => {
    const groups = count(events, (e) => `${e.event_ts.slice(0, 13)}|${e.event_type}`);
    const expected = [...groups.keys()].sort(byText).map((key) => {
      const [hour, event_type] = key.split('|');
      return { event_hour: `${hour!.replace(' ', 'T')}:00:00.000Z`, event_type, events: groups.get(key)!.length };
    });
    expect(new Set(expected.map((row) => row.event_hour)).size).toBe(2);
    expect(await run('events_per_type_per_hour')).toEqual(expected);
  });

  it('top_enemies_killed: kills and levels per enemy, most kills first', async () => {
    const groups = count(events.filter((e) => e.event_type === 'kill_enemy'), (e) => String(e.enemy_id));
    const expected = [...groups.values()]
      .map((kills) => {
        const levels = kills.map((k) => k.enemy_level as number);
        return {
          enemy_id: kills[0]!.enemy_id,
          enemy_name: kills[0]!.enemy_name,
          kills: kills.length,
          lowest_level: Math.min(...levels),
          highest_level: Math.max(...levels),
          average_level: round(levels.reduce((a, b) => a + b, 0) / levels.length, 1),
        };
      })
      .sort((a, b) => b.kills - a.kills || byText(String(a.enemy_name), String(b.enemy_name)))
      .slice(0, 10);
    expect(await run('top_enemies_killed')).toEqual(expected);
  });

  it('damage_taken_by_enemy: hits, total and average damage per enemy, most damage first', async () => {
    const groups = count(events.filter((e) => e.event_type === 'take_damage'), (e) => String(e.enemy_id));
    const expected = [...groups.values()]
      .map((hits) => {
        const total = hits.reduce((sum, h) => sum + (h.damage as number), 0);
        const { enemy_id, enemy_name } = hits[0]!;
        return { enemy_id, enemy_name, hits: hits.length, total_damage: total, average_damage: round(total / hits.length, 1) };
      })
      .sort((a, b) => b.total_damage - a.total_damage || byText(String(a.enemy_name), String(b.enemy_name)));
    expect(await run('damage_taken_by_enemy')).toEqual(expected);
  });

  it('store_revenue_by_category: transactions, revenue and average sale per category, highest revenue first', async () => {
    const groups = count(events.filter((e) => e.event_type === 'store_transaction'), (e) => String(e.category));
    const expected = [...groups]
      .map(([category, sales]) => {
        const revenue = round(sales.reduce((sum, s) => sum + (s.total_cost as number), 0), 2);
        return { category, transactions: sales.length, revenue, average_sale: round(revenue / sales.length, 2) };
      })
      .sort((a, b) => b.revenue - a.revenue || byText(a.category, b.category));
    const rows = await run('store_revenue_by_category');
    expect(rows.map((row) => ({ ...row, revenue: Number(row.revenue), average_sale: Number(row.average_sale) }))).toEqual(expected);
  });
});
