// Where the project's own files are, wherever the process was started from.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SQL_ROOT = join(PROJECT_ROOT, 'sql');
/** The external jobs' entry points (shipped to the work bucket's assets/jobs/) and their local stand-ins. */
export const JOBS_ROOT = join(PROJECT_ROOT, 'jobs');
