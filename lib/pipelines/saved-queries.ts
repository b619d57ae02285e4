// Saved queries: the analysts' questions about a pipeline's tables, one Redshift SQL file each under
// sql/<pipeline>/queries/<name>.sql, readable on their own. A file's first comment line describes it.
// Names are checked against /^[a-z0-9_]+$/ and the files present, so no name can reach outside the folder.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { SQL_ROOT } from '../local/project-paths.ts';

export interface SavedQuery {
  name: string;
  /** the first comment line of the file, without its `--` */
  description: string;
}

const NAME = /^[a-z0-9_]+$/;

function queriesDir(pipeline: string): string {
  if (!NAME.test(pipeline)) throw new InvalidInput(`not a pipeline name: '${pipeline}'`);
  return join(SQL_ROOT, pipeline, 'queries');
}

/** Names of the saved queries of `pipeline`, sorted; none when it has no queries folder. */
async function savedQueryNames(pipeline: string): Promise<string[]> {
  let files: string[];
  try {
    files = await readdir(queriesDir(pipeline));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return files
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .filter((name) => NAME.test(name))
    .sort();
}

function descriptionOf(sql: string): string {
  const line = sql.split('\n').find((text) => text.trimStart().startsWith('--'));
  return line === undefined ? '' : line.trimStart().slice(2).trim();
}

/** The saved queries of `pipeline`, sorted by name, each with its description. */
export async function listSavedQueries(pipeline: string): Promise<SavedQuery[]> {
  const dir = queriesDir(pipeline);
  const names = await savedQueryNames(pipeline);
  return Promise.all(names.map(async (name) => ({ name, description: descriptionOf(await readFile(join(dir, `${name}.sql`), 'utf8')) })));
}

/**
 * The SQL text of the saved query `name` of `pipeline`.
 * @throws InvalidInput when there is no such query; the message lists the known ones.
 */
export async function savedQuerySql(pipeline: string, name: string): Promise<string> {
  const names = await savedQueryNames(pipeline);
  if (!NAME.test(name) || !names.includes(name)) {
    const known = names.length > 0 ? names.join(', ') : 'none';
    throw new InvalidInput(`unknown saved query '${name}' of pipeline ${pipeline}; known: ${known}`);
  }
  return readFile(join(queriesDir(pipeline), `${name}.sql`), 'utf8');
}
