// Where the project's own files are, wherever the process was started from.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SQL_ROOT = join(PROJECT_ROOT, 'sql');
