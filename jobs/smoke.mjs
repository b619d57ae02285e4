// The local stand-in of jobs/smoke.py (the smoke-test job): the same arguments and outcomes,
// without Spark. A pipeline's job step runs it locally as `node jobs/smoke.mjs <arguments>`.
//   --run-date YYYY-MM-DD            the run's date (the step templates it)
//   --outcome succeed|fail|sleep     what to do (default succeed)
//   --exit-code N                    the exit code of 'fail' (default 3)
//   --sleep-seconds S                how long 'sleep' sleeps (default a day: past any step timeout)
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    'run-date': { type: 'string' },
    outcome: { type: 'string', default: 'succeed' },
    'exit-code': { type: 'string', default: '3' },
    'sleep-seconds': { type: 'string', default: '86400' },
  },
});

if (!values['run-date'] || !['succeed', 'fail', 'sleep'].includes(values.outcome)) {
  console.error('usage: smoke.mjs --run-date YYYY-MM-DD [--outcome succeed|fail|sleep] [--exit-code N] [--sleep-seconds S]');
  process.exit(2);
}
console.log(`smoke job for ${values['run-date']}: outcome ${values.outcome}`);
if (values.outcome === 'fail') {
  console.error(`failing on purpose with exit code ${values['exit-code']}`);
  process.exit(Number(values['exit-code']));
}
if (values.outcome === 'sleep') await new Promise((resolve) => setTimeout(resolve, Number(values['sleep-seconds']) * 1000));
