// Load generator for the collector, after the seed's Apache Bench loop (ab -H "Host: user1.comcast.com"
// against each route): a seeded mix of every event type, GET with query parameters or POST with a JSON
// body, sent at a steady rate from several simulated hosts (the Host header), with a few deliberately
// invalid events (~2%) to exercise rejection. The same seed sends the same requests in the same order.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidInput } from '../../../lambdas/core/errors.ts';
import { Rng } from '../../generators/random.ts';
import { EVENT_TYPE_NAMES, eventTypeNamed } from '../../pipelines/game-events/derive.ts';
import type { EventTypeName } from '../../pipelines/game-events/event-types.ts';

export const DEFAULT_HOSTS: readonly string[] = ['user1.comcast.com', 'user2.att.com'];

export interface LoadOptions {
  /** The collector's base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  /** Requests per second. */
  rate: number;
  durationSeconds: number;
  /** Host header values, picked at random per request (default: the seed's two hosts). */
  hosts?: readonly string[];
  /** Same seed, same requests (default 1). */
  seed?: number;
  /** Requests under way at once, at most (default 16). */
  concurrency?: number;
  /** Share of deliberately invalid events (default 0.02). */
  invalidShare?: number;
}

export interface TypeLoad {
  sent: number;
  accepted: number;
  rejected: number;
  /** Sent deliberately invalid: each should be among the rejected. */
  invalid: number;
}

export interface LoadResult {
  sent: number;
  /** Answered 202. */
  accepted: number;
  /** Answered 4xx. */
  rejected: number;
  /** No answer, or a 5xx: sent = accepted + rejected + failed. */
  failed: number;
  byType: Record<EventTypeName, TypeLoad>;
}

type Body = Record<string, string | number>;

/** How often each type is sent, relative to the others. */
const WEIGHTS: Record<EventTypeName, number> = {
  page_view: 25,
  purchase_sword: 20,
  join_guild: 15,
  kill_enemy: 15,
  take_damage: 12,
  accept_quest: 7,
  store_transaction: 6,
};

const SWORDS = [
  { sword_type: 'longsword', sword_cost: 120 },
  { sword_type: 'broadsword', sword_cost: 150 },
  { sword_type: 'katana', sword_cost: 310.5 },
  { sword_type: 'rapier', sword_cost: 95.25 },
  { sword_type: 'claymore', sword_cost: 240 },
];
const GUILDS = ['Knights of Ni', 'Iron Fist', 'Silver Hand', 'Night Watch', 'Dragon Riders', 'Merchants League', 'Shadow Syndicate', 'Golden Order'];
const ENEMIES = ['goblin', 'orc', 'troll', 'skeleton', 'dark mage', 'wyvern', 'bandit', 'giant spider', 'lich', 'dragon'];
const QUESTS = [
  { quest_name: 'The Lost Amulet', quest_contact: 'Elder Maren' },
  { quest_name: 'Rats in the Cellar', quest_contact: 'Innkeeper Bram' },
  { quest_name: 'Escort the Caravan', quest_contact: 'Captain Ilsa' },
  { quest_name: 'Slay the Wyvern', quest_contact: 'Hunter Korr' },
  { quest_name: 'Herbs for the Healer', quest_contact: 'Sister Aveline' },
  { quest_name: 'The Haunted Mill', quest_contact: 'Miller Todd' },
];
const ITEMS = [
  { inventory_id: 101, item_name: 'health potion', category: 'potions', price: 4.99 },
  { inventory_id: 102, item_name: 'mana potion', category: 'potions', price: 5.49 },
  { inventory_id: 201, item_name: 'leather armor', category: 'armor', price: 39.99 },
  { inventory_id: 202, item_name: 'chain mail', category: 'armor', price: 89.5 },
  { inventory_id: 301, item_name: 'short bow', category: 'weapons', price: 45 },
  { inventory_id: 302, item_name: 'iron dagger', category: 'weapons', price: 12.75 },
  { inventory_id: 401, item_name: 'torch', category: 'supplies', price: 0.99 },
  { inventory_id: 402, item_name: 'rope', category: 'supplies', price: 2.5 },
];

/** A valid body of each type; ids map to one name each, as in a game's catalogs. */
const BODIES: Record<EventTypeName, (rng: Rng) => Body> = {
  page_view: () => ({}),
  purchase_sword: (rng) => (rng.chance(0.3) ? {} : { ...rng.pick(SWORDS) }),
  join_guild: (rng) => {
    const index = rng.int(GUILDS.length);
    return { guild_id: index + 1, guild_name: GUILDS[index]! };
  },
  kill_enemy: (rng) => {
    const index = rng.int(ENEMIES.length);
    return { enemy_id: index + 1, enemy_name: ENEMIES[index]!, enemy_level: rng.range(1, 10) * (index + 1) };
  },
  take_damage: (rng) => {
    const index = rng.int(ENEMIES.length);
    return { enemy_id: index + 1, enemy_name: ENEMIES[index]!, damage: rng.range(1, 25) * (index + 1) };
  },
  accept_quest: (rng) => {
    const index = rng.int(QUESTS.length);
    return { quest_id: index + 1, ...QUESTS[index]! };
  },
  store_transaction: (rng) => {
    const { price, ...item } = rng.pick(ITEMS);
    const quantity = rng.range(1, 5);
    return { store_id: rng.range(1, 4), ...item, total_cost: Math.round(price * quantity * 100) / 100, on_hand_qty: rng.range(0, 500) };
  },
};

interface PlannedRequest {
  type: EventTypeName;
  method: 'GET' | 'POST';
  path: string;
  host: string;
  /** The JSON text of a POST. */
  body?: string;
  invalid: boolean;
}

function pickType(rng: Rng): EventTypeName {
  const total = EVENT_TYPE_NAMES.reduce((sum, name) => sum + WEIGHTS[name], 0);
  let draw = rng.float() * total;
  for (const name of EVENT_TYPE_NAMES) {
    draw -= WEIGHTS[name];
    if (draw < 0) return name;
  }
  return EVENT_TYPE_NAMES[EVENT_TYPE_NAMES.length - 1]!;
}

/** Spoils a valid body so that its type's schema refuses it; returns the JSON text for a POST that must not parse. */
function spoil(rng: Rng, type: EventTypeName, body: Body, method: 'GET' | 'POST'): { body: Body; text?: string } {
  const required = Object.entries(eventTypeNamed(type).fields)
    .filter(([, field]) => field.required)
    .map(([name]) => name);
  const ways = ['other-event-type', ...(required.length > 0 ? ['missing', 'not-a-number'] : []), ...(method === 'POST' ? ['malformed'] : [])];
  const others = EVENT_TYPE_NAMES.filter((name) => name !== type);
  switch (rng.pick(ways)) {
    case 'missing': {
      const { [rng.pick(required)]: _dropped, ...rest } = body;
      return { body: rest };
    }
    case 'not-a-number': {
      const numeric = required.filter((name) => typeof body[name] === 'number');
      return numeric.length > 0 ? { body: { ...body, [rng.pick(numeric)]: 'lots' } } : { body: { ...body, event_type: rng.pick(others) } };
    }
    case 'malformed':
      return { body, text: JSON.stringify(body).slice(0, -1) };
    default:
      return { body: { ...body, event_type: rng.pick(others) } };
  }
}

function plan(rng: Rng, hosts: readonly string[], invalidShare: number): PlannedRequest {
  const type = pickType(rng);
  const method = rng.chance(0.5) ? 'GET' : 'POST';
  const host = rng.pick(hosts);
  const invalid = rng.chance(invalidShare);
  const valid = BODIES[type](rng);
  const { body, text } = invalid ? spoil(rng, type, valid, method) : { body: valid, text: undefined };
  const route = eventTypeNamed(type).routes[0]!;
  if (method === 'POST') return { type, method, path: route, host, body: text ?? JSON.stringify(body), invalid };
  const query = new URLSearchParams(Object.entries(body).map(([key, value]): [string, string] => [key, String(value)])).toString();
  return { type, method, path: query === '' ? route : `${route}?${query}`, host, invalid };
}

/** The response's status code, or undefined when no response came. */
function send(base: URL, agent: Agent, planned: PlannedRequest): Promise<number | undefined> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { Host: planned.host, 'User-Agent': 'redline-loadgen/1 (ApacheBench-like)', Accept: '*/*' };
    if (planned.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(planned.body);
    }
    const outgoing = request(
      { hostname: base.hostname, port: base.port, path: planned.path, method: planned.method, headers, agent, timeout: 10_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', () => resolve(undefined));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', () => resolve(undefined));
    outgoing.end(planned.body);
  });
}

/**
 * Sends `rate × durationSeconds` events to the collector at `url`, spaced evenly, at most `concurrency`
 * at once (when the collector is slower, the run takes longer rather than piling up requests).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { rate, durationSeconds } = options;
  if (!(rate > 0) || !(durationSeconds > 0)) throw new InvalidInput('rate and durationSeconds must be positive');
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  if (hosts.length === 0) throw new InvalidInput('hosts must name at least one host');
  const concurrency = options.concurrency ?? 16;
  const invalidShare = options.invalidShare ?? 0.02;
  const base = new URL(options.url);
  const rng = new Rng(options.seed ?? 1, 'game-events-load');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

  const result: LoadResult = {
    sent: 0,
    accepted: 0,
    rejected: 0,
    failed: 0,
    byType: Object.fromEntries(EVENT_TYPE_NAMES.map((name) => [name, { sent: 0, accepted: 0, rejected: 0, invalid: 0 }])) as Record<
      EventTypeName,
      TypeLoad
    >,
  };
  const record = (planned: PlannedRequest, status: number | undefined): void => {
    const counts = result.byType[planned.type];
    if (status === 202) {
      result.accepted++;
      counts.accepted++;
    } else if (status !== undefined && status >= 400 && status < 500) {
      result.rejected++;
      counts.rejected++;
    } else result.failed++;
  };

  const total = Math.round(rate * durationSeconds);
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const planned = plan(rng, hosts, invalidShare);
      result.sent++;
      result.byType[planned.type].sent++;
      if (planned.invalid) result.byType[planned.type].invalid++;
      const sending: Promise<void> = send(base, agent, planned).then((status) => {
        record(planned, status);
        inFlight.delete(sending);
      });
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  return result;
}
