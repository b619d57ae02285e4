// The local collector's connections (node:http): a body refused for its size, announced or found
// while reading, is discarded so that the keep-alive connection serves the client's next request; a
// client that goes away in the middle of its body costs nothing: no answer, no count, no error logged.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCollector, type Collector } from '../../../../lib/local/collector/server.ts';

const MAX_BODY_BYTES = 1024;
const GUILD = JSON.stringify({ guild_id: 3, guild_name: 'Silver Hand' });
const OVERSIZED = JSON.stringify({ guild_id: 3, guild_name: 'Silver Hand', pad: 'x'.repeat(4 * MAX_BODY_BYTES) });

interface Reply {
  status: number;
  /** Whether the request went over a connection an earlier request had used. */
  reusedSocket: boolean;
}

/** POSTs `body` as JSON over `agent`, announcing its length or sending it chunked (in two writes). */
function post(url: string, agent: Agent, body: string, chunked: boolean): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = { 'Content-Type': 'application/json', ...(chunked ? {} : { 'Content-Length': Buffer.byteLength(body) }) };
    const outgoing = request({ hostname, port, path: '/join_a_guild', method: 'POST', headers, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, reusedSocket: outgoing.reusedSocket }));
    });
    outgoing.on('error', reject);
    outgoing.write(body.slice(0, body.length / 2));
    outgoing.end(body.slice(body.length / 2));
  });
}

describe('startCollector connections', () => {
  let dataDir: string;
  let collector: Collector;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'collector-connections-'));
    collector = await startCollector({ port: 0, dataDir, maxBodyBytes: MAX_BODY_BYTES, bufferSeconds: 600 });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  afterAll(async () => {
    await collector.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['announced by its Content-Length', false],
    ['found while reading a chunked body', true],
  ])('GIVEN a body over the limit, %s, WHEN refused with 413 THEN the same connection takes the next event', async (_how, chunked) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await post(collector.url, agent, OVERSIZED, chunked);
      const next = await post(collector.url, agent, GUILD, false);

      expect(refused.status).toBe(413);
      expect(next).toEqual({ status: 202, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('GIVEN a client that goes away in the middle of its body WHEN the connection drops THEN nothing is counted or logged and the next client is served', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = collector.stats();
    const { hostname, port } = new URL(collector.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));

    socket.write(`POST /join_a_guild HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${GUILD.length}\r\n\r\n`);
    socket.write(GUILD.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const agent = new Agent({ keepAlive: false });
    const next = await post(collector.url, agent, GUILD, false).finally(() => agent.destroy());

    expect(next.status).toBe(202);
    expect(collector.stats().rejected).toEqual(before.rejected);
    expect(collector.stats().accepted.join_guild).toBe(before.accepted.join_guild + 1);
    expect(logged).not.toHaveBeenCalled();
  });
});
