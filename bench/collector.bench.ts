// npm run bench (part 2): the game events collector (`redline serve`, its own process) on loopback
// under autocannon: events per second and p99 latency, and every accepted event landed (sent =
// landed, counted from the landed gzip JSON lines after a SIGTERM flush: autocannon stops counting
// replies at the deadline, so accepted <= landed <= sent must hold). Goal: >= 20,000 events/s with
// p99 < 25 ms on 2 cores.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../lib/local/project-paths.ts';

const PORT = 18_080;
const SECONDS = Number(process.env.REDLINE_BENCH_COLLECTOR_SECONDS ?? 10);
const dataDir = await mkdtemp(join(tmpdir(), 'redline-bench-collector-'));

const server = spawn(
  join(PROJECT_ROOT, 'node_modules/.bin/tsx'),
  [join(PROJECT_ROOT, 'bin/redline.ts'), 'serve', '--port', String(PORT), '--data', dataDir],
  { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('collecting') && resolve()));

const result = await autocannon({
  url: `http://127.0.0.1:${PORT}`,
  connections: 32,
  duration: SECONDS,
  requests: [
    {
      method: 'POST',
      path: '/join_a_guild',
      headers: { 'content-type': 'application/json', host: 'user1.comcast.com' },
      body: JSON.stringify({ guild_id: 7, guild_name: 'Knights of the Bench' }),
    },
  ],
});
server.kill('SIGTERM');
await once(server, 'exit');

let landed = 0;
for (const file of (await readdir(join(dataDir, 'events'), { recursive: true })).filter((f) => f.endsWith('.json.gz'))) {
  landed += gunzipSync(await readFile(join(dataDir, 'events', file))).toString('utf8').split('\n').filter(Boolean).length;
}
await rm(dataDir, { recursive: true, force: true });

const accepted = result['2xx'];
console.log(`\ncollector on loopback, ${SECONDS} s, 32 connections (autocannon), POST /join_a_guild`);
console.log(`events/s: ${Math.round(result.requests.average).toLocaleString('en-US')} (goal >= 20,000)   p99 latency: ${result.latency.p99} ms (goal < 25 ms)`);
const sent = result.requests.sent;
const nothingLost = accepted <= landed && landed <= sent;
console.log(
  `sent ${sent.toLocaleString('en-US')}, accepted ${accepted.toLocaleString('en-US')}, non-2xx ${result.non2xx}, errors ${result.errors}, ` +
    `landed ${landed.toLocaleString('en-US')}   accepted <= landed <= sent: ${nothingLost ? 'yes' : 'NO'}`,
);
if (!nothingLost) process.exitCode = 1;
