// Local SqlLibrary: reads the pipelines' SQL files from the project's sql/ folder.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { SqlLibrary } from '../../lambdas/core/deps.ts';
import { InvalidInput } from '../../lambdas/core/errors.ts';
import { SQL_ROOT } from './project-paths.ts';

export class SqlFolder implements SqlLibrary {
  constructor(private readonly root: string = SQL_ROOT) {}

  async read(path: string): Promise<string> {
    const file = resolve(this.root, path);
    if (!file.startsWith(this.root + sep)) throw new InvalidInput(`SQL path escapes ${this.root}: ${path}`);
    return readFile(file, 'utf8');
  }
}
