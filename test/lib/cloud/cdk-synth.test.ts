// GIVEN the CDK app (bin/app.ts, with cdk-nag) WHEN `cdk synth` runs offline as the CLI runs it
// THEN it bundles the functions with the local esbuild (no Docker), puts sql/ beside the bundle,
// passes the nag checks and lists the stack; well within a minute.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/local/project-paths.ts';
import { LAMBDA_ENTRY } from '../../../lib/cloud/pipeline.ts';
import { TEST_ENTRY } from './redline-app.ts';

const CDK = join(PROJECT_ROOT, 'node_modules/.bin/cdk');
const outdir = mkdtempSync(join(tmpdir(), 'redline-cdk-out-'));
const entryContext = TEST_ENTRY === LAMBDA_ENTRY ? [] : ['-c', `lambdaEntry=${TEST_ENTRY}`];

function cdk(args: readonly string[]): string {
  return execFileSync(CDK, [...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth of bin/app.ts', () => {
  let seconds = Number.NaN;

  it('GIVEN no Docker and no network WHEN `cdk synth --quiet` runs THEN it succeeds in under 60 seconds', () => {
    const started = Date.now();
    cdk(['synth', '--quiet', '-o', outdir, ...entryContext]);
    seconds = (Date.now() - started) / 1000;
    console.info(`cdk synth took ${seconds.toFixed(1)} s`);
    expect(existsSync(join(outdir, 'redline-dev.template.json'))).toBe(true);
    expect(seconds).toBeLessThan(60);
  }, 90_000);

  it('GIVEN the cloud assembly WHEN `cdk ls` reads it THEN it lists the dev stack', () => {
    expect(cdk(['ls', '--app', outdir]).trim().split('\n')).toEqual(['redline-dev']);
  }, 60_000);

  it('GIVEN the function bundles WHEN synthesized THEN the pipeline bundle is one ESM file with the sql/ folder beside it, the collector bundle has none', () => {
    const bundles = readdirSync(outdir).filter((d) => existsSync(join(outdir, d, 'index.mjs')));
    expect(bundles).toHaveLength(2);
    const withSql = bundles.filter((d) => existsSync(join(outdir, d, 'sql')));
    expect(withSql).toHaveLength(1);
    const bundle = join(outdir, withSql[0]!);
    expect(readdirSync(join(bundle, 'sql', 'sparkify'))).toEqual(
      expect.arrayContaining(['create_tables.sql', 'songplays.sql', 'log_json_path.json']),
    );
  });

  it('GIVEN the pipeline assets WHEN staged THEN they hold the jsonpaths files and no SQL', () => {
    const staged = readdirSync(outdir)
      .map((d) => join(outdir, d, 'sparkify'))
      .filter((d) => existsSync(d));
    expect(staged).toHaveLength(1);
    expect(readdirSync(staged[0]!)).toEqual(['log_json_path.json']);
  });
});
