// CSV-snapshot source backend of the user_activity generator (./user-activity.ts): the files
// <outDir>/source/user.csv (`id,name`) and <outDir>/source/activitylog.csv (`id,user_id,type,timestamp`,
// empty user_id for NULL, `YYYY-MM-DD HH:MM:SS` UTC timestamps) stand for the database. Each round reads
// them, applies its changes and rewrites both files in full, sorted by id.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityRow, RoundChanges, SourceState, TableTotals, UserActivitySource, UserRow } from './user-activity.ts';

export interface UserActivitySnapshot {
  /** ascending id */
  users: UserRow[];
  /** ascending id */
  activity: ActivityRow[];
}

const USER_HEADER = 'id,name';
const ACTIVITY_HEADER = 'id,user_id,type,timestamp';
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export class CsvUserActivitySource implements UserActivitySource {
  readonly kind = 'csv';

  constructor(private readonly outDir: string) {}

  async runRound(plan: (state: SourceState) => RoundChanges): Promise<TableTotals> {
    const before = await readUserActivitySnapshot(this.outDir);
    const changes = plan({ users: before.users, maxActivityId: before.activity.at(-1)?.id ?? 0 });
    const after = applyChanges(before, changes);
    const dir = join(this.outDir, 'source');
    await mkdir(dir, { recursive: true });
    await replaceFile(join(dir, 'user.csv'), USER_HEADER, after.users.map((u) => `${u.id},${csvField(u.name)}`));
    await replaceFile(
      join(dir, 'activitylog.csv'),
      ACTIVITY_HEADER,
      after.activity.map((a) => `${a.id},${a.userId ?? ''},${csvField(a.type)},${a.timestamp}`),
    );
    return { users: after.users.length, activity: after.activity.length };
  }
}

/** The current table contents of <outDir>/source/; a missing file is an empty table. */
export async function readUserActivitySnapshot(outDir: string): Promise<UserActivitySnapshot> {
  const dir = join(outDir, 'source');
  const userFile = join(dir, 'user.csv');
  const activityFile = join(dir, 'activitylog.csv');
  const users = (await readTable(userFile, USER_HEADER)).map(([id, name], i) => ({
    id: parseId(id, `${userFile} row ${i + 1} id`),
    name: name ?? '',
  }));
  const activity = (await readTable(activityFile, ACTIVITY_HEADER)).map(([id, userId, type, timestamp], i) => {
    const where = `${activityFile} row ${i + 1}`;
    if (!timestamp || !DATETIME.test(timestamp)) throw new Error(`${where}: timestamp must be YYYY-MM-DD HH:MM:SS, got ${timestamp}`);
    return {
      id: parseId(id, `${where} id`),
      userId: userId ? parseId(userId, `${where} user_id`) : null,
      type: type ?? '',
      timestamp,
    };
  });
  return { users: users.sort((a, b) => a.id - b.id), activity: activity.sort((a, b) => a.id - b.id) };
}

function applyChanges(before: UserActivitySnapshot, changes: RoundChanges): UserActivitySnapshot {
  const deleted = new Set(changes.deleteUserIds);
  const existing = new Set(before.users.map((u) => u.id));
  const names = new Map(before.users.filter((u) => !deleted.has(u.id)).map((u) => [u.id, u.name]));
  for (const u of changes.insertUsers) {
    if (existing.has(u.id) || names.has(u.id)) throw new Error(`user id ${u.id} already exists`);
    names.set(u.id, u.name);
  }
  for (const u of changes.renameUsers) {
    if (!names.has(u.id)) throw new Error(`cannot rename missing user ${u.id}`);
    names.set(u.id, u.name);
  }
  const activity = before.activity.map((a) => (a.userId !== null && deleted.has(a.userId) ? { ...a, userId: null } : a));
  return {
    users: [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.id - b.id),
    activity: [...activity, ...changes.insertActivity].sort((a, b) => a.id - b.id),
  };
}

async function readTable(file: string, header: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const [head, ...rows] = parseCsv(text);
  if (head?.join(',') !== header) throw new Error(`${file}: expected header ${header}`);
  return rows;
}

/** Writes next to the file, then renames over it, so a failed round never leaves half a table. */
async function replaceFile(file: string, header: string, lines: string[]): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, [header, ...lines].join('\n') + '\n');
  await rename(tmp, file);
}

function parseId(text: string | undefined, what: string): number {
  if (!text || !/^\d+$/.test(text)) throw new Error(`${what} must be a non-negative integer, got ${text}`);
  return Number(text);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RFC 4180 rows (quoted fields may hold commas, doubled quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
