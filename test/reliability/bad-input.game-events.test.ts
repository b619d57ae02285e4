// Bad input for game events: bodies POSTed to the local collector's /join_a_guild over real HTTP
// (each refused with a status and the issues, or accepted and landed), then the game-events run over
// what the collector landed; and landed objects that are damaged or landed twice. Every request is
// counted once (accepted or rejected), every run reconciles (read = loaded + rejected) and leaves the
// landed files byte-identical.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../lib/local/collector/server.ts';
import { EXIT_CODES, exitCodeOf } from '../../lib/local/exit-codes.ts';
import {
  MEGABYTE_STRING,
  UTF8_BOM,
  expectFailureAlert,
  expectReconciledAndRawIntact,
  fixture,
  landingFolder,
  queryWarehouse,
  runOnLanding,
  sharedRun,
} from '../support/bad-input.ts';

const RUN_DATE = '2026-11-20';
const LANDED_KEY = 'events/event_type=join_guild/dt=2026-11-20/hour=10/join_guild-20261120100000-000001-0a1b2c3d.json.gz';
const LANDED_URI = `s3://redline-landing/${LANDED_KEY}`;

interface Reply {
  status: number;
  body: { error?: string; issues?: { path: string; message: string }[] };
}

describe('bad input: game events through the collector and the landing bucket', () => {
  let dataDir: string;
  let collector: Collector;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'redline-bad-input-collector-'));
    collector = await startCollector({ port: 0, dataDir, bufferSeconds: 600 });
  });

  afterAll(async () => {
    await collector.close();
  });

  /** POSTs `body` as JSON to /join_a_guild; checks that the collector counted it once, accepted or rejected. */
  async function postJoinGuild(body: string | Buffer, counted: 'accepted' | 'rejected'): Promise<Reply> {
    const before = collector.stats()[counted].join_guild;
    const response = await fetch(`${collector.url}/join_a_guild`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    const reply = { status: response.status, body: (await response.json()) as Reply['body'] };
    expect(collector.stats()[counted].join_guild, `${counted} join_guild events`).toBe(before + 1);
    return reply;
  }

  it('refuses a malformed JSON body with 400 naming invalid JSON', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-malformed.json'), 'rejected');

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([{ path: '', message: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('refuses a value of the wrong type with 400 naming the field', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-wrong-type.json'), 'rejected');

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([{ path: 'guild_id', message: expect.stringContaining('expected number') }]);
  });

  it('refuses a body missing a required field with 400 naming the field', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-missing-field.json'), 'rejected');

    expect(reply.status).toBe(400);
    expect(reply.body.issues?.map((issue) => issue.path)).toEqual(['guild_id']);
  });

  it('refuses a body holding a 1 MB string with 413', async () => {
    const reply = await postJoinGuild(JSON.stringify({ guild_id: 3, guild_name: MEGABYTE_STRING }), 'rejected');

    expect(reply.status).toBe(413);
  });

  it('refuses a body holding invalid UTF-8 with 400 instead of landing it with U+FFFD in place of the bytes', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-invalid-utf8.json'), 'rejected');

    expect(reply.status).toBe(400);
  });

  it('refuses a body that starts with a UTF-8 byte-order mark with 400 naming invalid JSON', async () => {
    const body = await fixture('game-events/body-bom.json');
    expect(body.subarray(0, 3)).toEqual(UTF8_BOM);

    const reply = await postJoinGuild(body, 'rejected');

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([{ path: '', message: expect.stringMatching(/^not valid JSON/) }]);
  });

  it('accepts a body with CRLF line ends', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-crlf.json'), 'accepted');

    expect(reply.status).toBe(202);
  });

  it('refuses an empty body with 400 naming every required field', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-empty.json'), 'rejected');

    expect(reply.status).toBe(400);
    expect(reply.body.issues?.map((issue) => issue.path)).toEqual(['guild_id', 'guild_name']);
  });

  it('accepts a body with a field the event type does not declare', async () => {
    const reply = await postJoinGuild(await fixture('game-events/body-extra-field.json'), 'accepted');

    expect(reply.status).toBe(202);
  });

  it('loads exactly the accepted events, CRLF body and extra field kept verbatim in raw_event only', async () => {
    await collector.close();
    const accepted = collector.stats().accepted.join_guild;

    const run = await runOnLanding('game-events', dataDir, RUN_DATE);

    expect(run.outcome.status, run.outcome.error?.message).toBe('SUCCEEDED');
    expect(run.outcome.loads.find((load) => load.table === 'join_guild')).toMatchObject({ read: accepted, loaded: accepted, rejected: 0 });
    const rows = await queryWarehouse(run.stateDir, 'SELECT guild_id, guild_name, raw_event FROM join_guild');
    expect(rows).toContainEqual({ guild_id: 5, guild_name: 'Crlf Hall', raw_event: (await fixture('game-events/body-crlf.json')).toString('utf8') });
    expect(rows).toContainEqual({ guild_id: 6, guild_name: 'Extra Hall', raw_event: (await fixture('game-events/body-extra-field.json')).toString('utf8') });
    const columns = await queryWarehouse(run.stateDir, "SELECT column_name FROM information_schema.columns WHERE table_name = 'join_guild'");
    expect(columns.map((c) => c.column_name)).not.toContain('surprise');
    await expectReconciledAndRawIntact(run);
  });

  const runOnTruncatedObject = sharedRun(async () =>
    runOnLanding('game-events', await landingFolder({ [LANDED_KEY]: await fixture('game-events/join_guild-truncated.json.gz') }), RUN_DATE),
  );

  it('fails the run at staging with CorruptInputFile naming a landed object whose gzip is truncated', async () => {
    const run = await runOnTruncatedObject();

    expectFailureAlert(run, { errorName: 'CorruptInputFile', failedStep: 'Stage join_guild', mentions: [LANDED_URI, 'unexpected end of file'] });
    expect(run.outcome.tables.join_guild).toBe(0);
    await expectReconciledAndRawIntact(run);
  });

  it('classes a landed object whose gzip is truncated as rejected input (exit 3), not as an infrastructure error', async () => {
    const run = await runOnTruncatedObject();

    expect(exitCodeOf(run.outcome.error)).toBe(EXIT_CODES.inputRejected);
  });

  it('fails the run at join_guild_unique_key when an object landed under a second key with the same bytes', async () => {
    const landed = await fixture('game-events/join_guild.json.gz');
    const dataDir = await landingFolder({ [LANDED_KEY]: landed, [LANDED_KEY.replace('000001-0a1b2c3d', '000002-4e5f6a7b')]: landed });

    const run = await runOnLanding('game-events', dataDir, RUN_DATE);

    expectFailureAlert(run, { errorName: 'DataQualityCheckFailed', failedStep: 'Run quality checks', mentions: ['join_guild_unique_key'] });
    expect(run.outcome.loads.find((load) => load.table === 'join_guild')).toMatchObject({ files: 2, read: 6, loaded: 6, rejected: 0 });
    await expectReconciledAndRawIntact(run);
  });
});
