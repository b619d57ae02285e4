// Enrichment of one game event: the body validated against its type, merged with the request headers,
// the server's arrival time, the event id and the raw body; invalid bodies come back as a typed rejection.
import { describe, expect, it } from 'vitest';
import { RedlineError } from '../../../../lambdas/core/errors.ts';
import { InvalidGameEvent, enrichEvent, serverTimestamp, truncateUtf8, type Enrichment } from '../../../../lambdas/core/game-events/enrich.ts';
import { copyColumns } from '../../../../lib/pipelines/game-events/derive.ts';

const NOW = new Date('2024-03-09T17:05:42.071Z');
const HEADERS = { Host: 'user1.comcast.com', 'User-Agent': 'ApacheBench/2.3', Accept: '*/*' };

function rejected(enrichment: Enrichment): InvalidGameEvent {
  if (enrichment.ok) throw new Error(`expected a rejection, got ${JSON.stringify(enrichment.record)}`);
  return enrichment.rejection;
}

describe('enrichEvent', () => {
  it('merges a POST body with Host, User-Agent, Accept, the server timestamp, the id and the raw text', () => {
    const raw = '{"guild_id": 7, "guild_name": "Silver Hand", "motto": "shine"}';
    const enrichment = enrichEvent('join_guild', raw, HEADERS, NOW, 'evt-1');
    expect(enrichment).toEqual({
      ok: true,
      record: {
        event_id: 'evt-1',
        event_type: 'join_guild',
        event_ts: '2024-03-09 17:05:42.071',
        host: 'user1.comcast.com',
        user_agent: 'ApacheBench/2.3',
        accept: '*/*',
        guild_id: 7,
        guild_name: 'Silver Hand',
        raw_event: raw,
      },
    });
  });

  it("gives a record whose keys are exactly the type's COPY columns, in order", () => {
    const body = { store_id: 1, item_name: 'rope', inventory_id: 402, total_cost: 2.5, category: 'supplies', on_hand_qty: 9 };
    const enrichment = enrichEvent('store_transaction', body, HEADERS, NOW, 'e');
    expect(enrichment.ok && Object.keys(enrichment.record)).toEqual(copyColumns('store_transaction'));
  });

  it('takes GET query parameters (text) as the fields, recording them as JSON in raw_event', () => {
    const query = { enemy_id: '4', enemy_name: 'skeleton', damage: '17' };
    const enrichment = enrichEvent('take_damage', query, HEADERS, NOW, 'evt-2');
    expect(enrichment.ok && enrichment.record).toMatchObject({ enemy_id: 4, enemy_name: 'skeleton', damage: 17, raw_event: JSON.stringify(query) });
  });

  it('reads headers in any letter case, leaves missing ones null and cuts over-long ones to their column', () => {
    const enrichment = enrichEvent('page_view', {}, { host: 'user2.att.com', 'user-agent': 'é'.repeat(300) }, NOW, 'evt-3');
    if (!enrichment.ok) throw enrichment.rejection;
    expect(enrichment.record).toMatchObject({ host: 'user2.att.com', accept: null, raw_event: '{}' });
    expect(enrichment.record.user_agent).toBe('é'.repeat(256));
  });

  it('takes a blank POST body as an empty object, and fills absent optional fields with null', () => {
    const enrichment = enrichEvent('purchase_sword', '', HEADERS, NOW, 'evt-4');
    expect(enrichment.ok && enrichment.record).toMatchObject({ sword_type: null, sword_cost: null, raw_event: '' });
  });

  it('rejects a body missing required fields or with invalid values, listing every issue by field', () => {
    const rejection = rejected(enrichEvent('kill_enemy', { enemy_id: 'many', enemy_level: 2.5 }, HEADERS, NOW, 'evt-5'));
    expect(rejection).toBeInstanceOf(InvalidGameEvent);
    expect(rejection).toBeInstanceOf(RedlineError);
    expect(rejection.name).toBe('InvalidGameEvent');
    expect(rejection.eventType).toBe('kill_enemy');
    expect(rejection.issues.map((issue) => issue.path).sort()).toEqual(['enemy_id', 'enemy_level', 'enemy_name']);
    expect(rejection.message).toMatch(/^invalid kill_enemy event: enemy_id: .*number/);
  });

  it('rejects text that is not JSON, and JSON that is not an object', () => {
    expect(rejected(enrichEvent('accept_quest', '{"quest_id": 1,', HEADERS, NOW, 'e')).issues).toEqual([
      { path: '', message: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect(rejected(enrichEvent('page_view', '[1, 2]', HEADERS, NOW, 'e')).issues[0]).toMatchObject({ path: '', message: expect.stringMatching(/object/) });
    expect(rejected(enrichEvent('page_view', 'null', HEADERS, NOW, 'e')).issues).toHaveLength(1);
  });

  it('rejects a body that names another event type', () => {
    expect(rejected(enrichEvent('purchase_sword', { event_type: 'join_guild' }, HEADERS, NOW, 'e')).issues).toEqual([
      { path: 'event_type', message: "event_type must be 'purchase_sword' on this route, or absent" },
    ]);
  });

  it('rejects an event whose raw text would not fit raw_event (65535 bytes)', () => {
    const raw = JSON.stringify({ padding: 'x'.repeat(65_535) });
    expect(rejected(enrichEvent('page_view', raw, HEADERS, NOW, 'e')).issues[0]!.message).toMatch(/over 65535 bytes/);
  });
});

describe('serverTimestamp / truncateUtf8', () => {
  it("formats UTC as 'YYYY-MM-DD HH:MM:SS.mmm'", () => {
    expect(serverTimestamp(new Date('2025-01-02T03:04:05.006Z'))).toBe('2025-01-02 03:04:05.006');
  });

  it('cuts to a byte limit without splitting a character', () => {
    expect(truncateUtf8('abc', 5)).toBe('abc');
    expect(truncateUtf8('aéé', 4)).toBe('aé');
    expect(truncateUtf8('a😀b', 4)).toBe('a');
  });
});
