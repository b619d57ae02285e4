// Cloud SqlLibrary: reads the pipelines' SQL files from the sql/ folder the deployment copies
// beside the Lambda bundle. Paths that would leave that folder are refused.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlLibrary } from '../core/deps.ts';
import { InvalidInput } from '../core/errors.ts';

/**
 * Where the SQL files are: REDLINE_SQL_DIR when set, else the `sql` folder beside the module
 * (in a deployment, beside the bundle, where the build copies it).
 */
export function defaultSqlRoot(env: NodeJS.ProcessEnv = process.env, moduleUrl: string = import.meta.url): string {
  return env.REDLINE_SQL_DIR || join(dirname(fileURLToPath(moduleUrl)), 'sql');
}

/** The SqlLibrary port on the sql/ folder shipped with the Lambda bundle. */
export class SqlBundle implements SqlLibrary {
  readonly root: string;

  /** @param root the folder holding the SQL files; @default defaultSqlRoot() */
  constructor(root: string = defaultSqlRoot()) {
    this.root = resolve(root);
  }

  /**
   * The text of `path` (e.g. sparkify/songs.sql), relative to the root.
   * @throws InvalidInput when the path escapes the root or names no file
   */
  async read(path: string): Promise<string> {
    const file = resolve(this.root, path);
    if (!file.startsWith(this.root + sep)) throw new InvalidInput(`SQL path escapes ${this.root}: ${path}`);
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InvalidInput(`no SQL file ${path} in ${this.root}`);
      throw error;
    }
  }
}
