// The collector's HTTP-independent core: a request (method, path, content type, body, headers) in, the
// game API's response out, with the enriched record of an accepted event (a body given as bytes read as
// strict UTF-8); plus its helpers for query strings, content types and the landed JSON line.
import { describe, expect, it } from 'vitest';
import {
  MAX_BODY_BYTES,
  collectRequest,
  isJsonContentType,
  landingLine,
  queryParameters,
  type CollectRequest,
} from '../../../../lambdas/core/game-events/collect.ts';
import { routeTable } from '../../../../lib/pipelines/game-events/derive.ts';

const NOW = new Date('2024-03-09T17:05:42.071Z');
const CONTEXT = { now: NOW, eventId: 'evt-1' };
const HEADERS = { Host: 'user1.comcast.com', 'User-Agent': 'ApacheBench/2.3', Accept: '*/*' };

function post(path: string, body: string, contentType?: string): CollectRequest {
  return { method: 'POST', path, contentType: contentType ?? 'application/json', body, bodyBytes: Buffer.byteLength(body), headers: HEADERS };
}

function get(path: string, query: Record<string, string> = {}): CollectRequest {
  return { method: 'GET', path, body: query, bodyBytes: 0, headers: HEADERS };
}

describe('collectRequest', () => {
  it('GIVEN a valid POST WHEN collected THEN it is accepted (202) with its event id and the enriched record', () => {
    const body = '{"guild_id": 7, "guild_name": "Silver Hand"}';

    const response = collectRequest(post('/join_a_guild', body, 'application/json; charset=utf-8'), CONTEXT);

    expect(response).toEqual({
      status: 202,
      eventType: 'join_guild',
      body: { event_id: 'evt-1' },
      record: {
        event_id: 'evt-1',
        event_type: 'join_guild',
        event_ts: '2024-03-09 17:05:42.071',
        host: 'user1.comcast.com',
        user_agent: 'ApacheBench/2.3',
        accept: '*/*',
        guild_id: 7,
        guild_name: 'Silver Hand',
        raw_event: body,
      },
    });
  });

  it('GIVEN a valid GET WHEN collected THEN its query parameters are the fields and land as JSON in raw_event', () => {
    const query = { enemy_id: '4', enemy_name: 'skeleton', damage: '17' };

    const response = collectRequest(get('/take_damage', query), CONTEXT);

    expect(response.status).toBe(202);
    expect('record' in response && response.record).toMatchObject({
      event_type: 'take_damage',
      enemy_id: 4,
      enemy_name: 'skeleton',
      damage: 17,
      raw_event: JSON.stringify(query),
    });
  });

  it('GIVEN every declared route WHEN requested THEN each answers for its own event type, by GET and by POST', () => {
    for (const [path, type] of routeTable()) {
      for (const request of [get(path), post(path, '{}')]) {
        const response = collectRequest(request, CONTEXT);
        expect([202, 400], `${request.method} ${path}`).toContain(response.status);
        expect('eventType' in response && response.eventType, `${request.method} ${path}`).toBe(type);
      }
    }
  });

  it('GIVEN the method in lower case WHEN collected THEN it is the same method', () => {
    expect(collectRequest({ ...get('/'), method: 'get' }, CONTEXT).status).toBe(202);
    expect(collectRequest({ ...post('/', '{}'), method: 'post' }, CONTEXT).status).toBe(202);
  });

  it('GIVEN a body missing required fields WHEN collected THEN it is refused (400) naming every issue, and nothing lands', () => {
    const response = collectRequest(post('/kill_enemy', '{"enemy_id": -1, "enemy_name": "rat"}'), CONTEXT);

    expect(response.status).toBe(400);
    expect(response).not.toHaveProperty('record');
    expect(response.body).toMatchObject({ error: 'invalid event', event_type: 'kill_enemy' });
    const issues = 'issues' in response.body ? response.body.issues : [];
    expect(issues?.map((issue) => issue.path).sort()).toEqual(['enemy_id', 'enemy_level']);
  });

  it('GIVEN a POST body that is not JSON WHEN collected THEN it is refused (400) as not valid JSON', () => {
    const response = collectRequest(post('/join_a_guild', '{"guild_id": 7,'), CONTEXT);

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('not valid JSON');
  });

  it('GIVEN a POST body in bytes that are not UTF-8 WHEN collected THEN it is refused (400) as not valid UTF-8', () => {
    const body = Buffer.from('{"guild_id": 7, "guild_name": "Silver H\xffnd"}', 'latin1');

    const response = collectRequest({ ...post('/join_a_guild', ''), body, bodyBytes: body.byteLength }, CONTEXT);

    expect(response).toEqual({
      status: 400,
      eventType: 'join_guild',
      body: { error: 'invalid event', event_type: 'join_guild', issues: [{ path: '', message: 'not valid UTF-8' }] },
    });
  });

  it('GIVEN a POST body in UTF-8 bytes WHEN collected THEN it is decoded and accepted, raw_event holding its text', () => {
    const text = '{"guild_id": 7, "guild_name": "Société"}';

    const response = collectRequest({ ...post('/join_a_guild', text), body: Buffer.from(text) }, CONTEXT);

    expect(response.status).toBe(202);
    expect('record' in response ? response.record : undefined).toMatchObject({ guild_name: 'Société', raw_event: text });
  });

  it('GIVEN a POST body in bytes starting with a byte-order mark WHEN collected THEN the mark is kept and refused (400) as not valid JSON', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]);

    const response = collectRequest({ ...post('/', ''), body, bodyBytes: body.byteLength }, CONTEXT);

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('not valid JSON');
  });

  it('GIVEN a POST that is not application/json WHEN collected THEN it is refused (415), whatever its size', () => {
    expect(collectRequest(post('/', '{}', 'text/plain'), CONTEXT)).toEqual({
      status: 415,
      eventType: 'page_view',
      body: { error: 'a POST body must be application/json' },
    });
    expect(collectRequest({ ...post('/', '{}'), contentType: undefined }, CONTEXT).status).toBe(415);
    expect(collectRequest({ ...post('/', '{}', 'text/plain'), bodyBytes: MAX_BODY_BYTES + 1 }, CONTEXT).status).toBe(415);
  });

  it('GIVEN a GET without a content type WHEN collected THEN it needs none', () => {
    expect(collectRequest(get('/'), CONTEXT).status).toBe(202);
  });

  it('GIVEN a POST body over 64 KiB WHEN collected THEN it is refused (413) without being read', () => {
    const response = collectRequest({ ...post('/', 'not even looked at'), bodyBytes: MAX_BODY_BYTES + 1 }, CONTEXT);

    expect(MAX_BODY_BYTES).toBe(65_536);
    expect(response).toEqual({ status: 413, eventType: 'page_view', body: { error: 'the body is over 65536 bytes' } });
  });

  it('GIVEN a body limit WHEN a body is exactly at it THEN it is taken, and one byte more is refused', () => {
    const body = `{"sword_type": "${'x'.repeat(20)}"}`;
    const limit = Buffer.byteLength(body);

    expect(collectRequest(post('/purchase_a_sword', body), { ...CONTEXT, maxBodyBytes: limit }).status).toBe(202);
    expect(collectRequest({ ...post('/purchase_a_sword', body), bodyBytes: limit + 1 }, { ...CONTEXT, maxBodyBytes: limit }).status).toBe(413);
  });

  it('GIVEN a path no event type declares WHEN collected THEN it is not found (404) and the routes are listed', () => {
    const response = collectRequest(post('/buy_a_shield', '{}'), CONTEXT);

    expect(response).toEqual({ status: 404, body: { error: 'no event route /buy_a_shield', routes: [...routeTable().keys()] } });
  });

  it('GIVEN a declared path WHEN requested with another method THEN it is not allowed (405) and GET, POST are offered', () => {
    const response = collectRequest({ ...post('/join_a_guild', '{}'), method: 'PUT' }, CONTEXT);

    expect(response).toEqual({
      status: 405,
      body: { error: 'PUT is not allowed; use GET or POST' },
      headers: { Allow: 'GET, POST' },
    });
  });
});

describe('queryParameters', () => {
  it('GIVEN a raw query string WHEN parsed THEN names map to decoded values, the first of a repeated name counting', () => {
    expect(queryParameters('guild_id=7&guild_name=Silver+Hand%21&guild_id=8&flag')).toEqual({
      guild_id: '7',
      guild_name: 'Silver Hand!',
      flag: '',
    });
  });

  it('GIVEN an empty query string WHEN parsed THEN there are no parameters', () => {
    expect(queryParameters('')).toEqual({});
  });

  it('GIVEN a parameter named __proto__ WHEN parsed THEN it is an ordinary own key', () => {
    const parameters = queryParameters('__proto__=x');

    expect(Object.keys(parameters)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parameters)).toBe(Object.prototype);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    [' application/json ', true],
    ['application/json-patch+json', false],
    ['text/plain', false],
    ['', false],
    [undefined, false],
  ])('GIVEN %j WHEN checked THEN %s', (contentType, expected) => {
    expect(isJsonContentType(contentType)).toBe(expected);
  });
});

describe('landingLine', () => {
  it('GIVEN an accepted record WHEN rendered THEN it is the record as one newline-terminated JSON line', () => {
    const response = collectRequest(post('/purchase_a_sword', '{"sword_type": "two\\nlines"}'), CONTEXT);
    if (response.status !== 202) throw new Error(`expected 202, got ${response.status}`);

    const line = landingLine(response.record);

    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(response.record);
  });
});
