// One round of the user_activity sample-data generator (seed 000): a load round on the source tables
// `user(id, name)` and `activitylog(id, user_id, type, timestamp)` (delete D users, whose activity rows
// stay with user_id NULL; insert N users; rename R users; insert M activity rows in the 24 h before the
// clock), then an upload round writing <outDir>/uploads/user_upload_dump.<epoch seconds>.csv.
// The tables live in CSV snapshots (./user-activity-csv.ts, default) or in MySQL/MariaDB
// (./user-activity-mysql.ts). Same seed, clock and starting state => byte-identical output.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng } from './random.ts';
import { CsvUserActivitySource } from './user-activity-csv.ts';

export { readUserActivitySnapshot, type UserActivitySnapshot } from './user-activity-csv.ts';

export const ACTIVITY_TYPES = ['INSERT', 'UPDATE', 'DELETE'] as const;

export interface UserRow {
  id: number;
  name: string;
}

export interface ActivityRow {
  id: number;
  /** null once the user has been deleted */
  userId: number | null;
  /** 'INSERT' | 'UPDATE' | 'DELETE' */
  type: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS` (the DATETIME text form) */
  timestamp: string;
}

/** What a round needs to know about the source before deciding its changes. */
export interface SourceState {
  /** current users, ascending id */
  users: UserRow[];
  /** highest activitylog id, 0 when the table is empty */
  maxActivityId: number;
}

/** One load round's changes, applied in this order: deletes, inserts, renames, activity. */
export interface RoundChanges {
  /** deleted users' activitylog rows get user_id NULL */
  deleteUserIds: number[];
  insertUsers: UserRow[];
  /** the users' new names */
  renameUsers: UserRow[];
  insertActivity: ActivityRow[];
}

export interface TableTotals {
  users: number;
  activity: number;
}

/** A store of the two source tables. */
export interface UserActivitySource {
  readonly kind: 'csv' | 'mysql';
  /** Reads the state, lets `plan` decide the changes, applies them as one unit; returns the row counts after. */
  runRound(plan: (state: SourceState) => RoundChanges): Promise<TableTotals>;
}

const count = z.number().int().min(0);
const optionsSchema = z.object({
  /** CSV snapshots go to outDir/source/, upload dumps to outDir/uploads/ */
  outDir: z.string().min(1),
  users: count.default(10),
  renames: count.default(2),
  deletes: count.default(2),
  events: count.default(50),
  uploads: count.default(50),
  seed: z.number().default(1),
  /** the round's "now"; default the current time; truncated to whole seconds */
  clock: z.date({ error: 'a valid Date' }).optional(),
  /** e.g. mysql://root@127.0.0.1:3306/test; when absent the CSV snapshots are the source */
  mysqlUrl: z.string().startsWith('mysql://', 'a URL like mysql://user@host:3306/database').optional(),
});

export type UserActivityRoundOptions = z.input<typeof optionsSchema>;

export interface UserActivityRoundSummary {
  backend: 'csv' | 'mysql';
  /** the round's clock, whole seconds */
  clock: Date;
  /** users deleted this round, ascending (never the user with the highest id, so ids are never reused) */
  deletedUserIds: number[];
  /** users inserted this round, ascending and consecutive */
  insertedUserIds: number[];
  /** users given a new name this round, ascending (may include users inserted this round) */
  renamedUserIds: number[];
  /** first and last activitylog id inserted this round; null when none was (no users, or events = 0) */
  activityIds: { first: number; last: number } | null;
  /** path of the upload dump written this round */
  uploadFile: string;
  /** data rows in the upload dump (0 when there are no users) */
  uploadRows: number;
  /** rows in `user` after the round */
  totalUsers: number;
  /** rows in activitylog after the round */
  totalActivity: number;
}

const DAY_S = 86_400;
const FILE_EXTENSIONS = ['pdf', 'png'] as const;
const FIRST_NAMES = [
  'Ada', 'Alan', 'Alice', 'Amir', 'Anna', 'Ben', 'Carla', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena', 'Emma', 'Farah',
  'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jack', 'Julia', 'Kenji', 'Lara', 'Leo', 'Lina', 'Lucas', 'Maya',
  'Mohammed', 'Nina', 'Noah', 'Olga', 'Omar', 'Paula', 'Priya', 'Rafael', 'Rosa', 'Sam', 'Sofia', 'Tariq', 'Vera', 'Yuki',
];
const LAST_NAMES = [
  'Adams', 'Bauer', 'Brown', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Khan', 'Kowalski',
  'Lee', 'Lopez', 'Martin', 'Meyer', 'Moreau', 'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Perez', 'Rossi', 'Santos',
  'Schmidt', 'Silva', 'Smith', 'Suzuki', 'Taylor', 'Tanaka', 'Walker', 'Weber', 'Wilson', 'Young', 'Zhang', 'Ziegler',
];

/** Runs one load round and one upload round; see UserActivityRoundOptions for the knobs. */
export async function generateUserActivityRound(options: UserActivityRoundOptions): Promise<UserActivityRoundSummary> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`invalid user-activity options:\n${z.prettifyError(parsed.error)}`);
  const o = parsed.data;
  const clockSec = Math.floor((o.clock ?? new Date()).getTime() / 1000);
  const source: UserActivitySource = o.mysqlUrl
    ? new (await import('./user-activity-mysql.ts')).MysqlUserActivitySource(o.mysqlUrl)
    : new CsvUserActivitySource(o.outDir);

  let planned: RoundPlan | undefined;
  const totals = await source.runRound((state) => (planned = planRound(state, o, clockSec)).changes);
  if (!planned) throw new Error('internal error: the source did not plan the round');
  const { changes, uploads } = planned;

  const uploadDir = join(o.outDir, 'uploads');
  await mkdir(uploadDir, { recursive: true });
  const uploadFile = join(uploadDir, `user_upload_dump.${clockSec}.csv`);
  const lines = uploads.map((u) => `${u.userId},${u.fileName},${u.timestamp}\n`);
  await writeFile(uploadFile, 'user_id,file_name,timestamp\n' + lines.join(''));

  const activity = changes.insertActivity;
  return {
    backend: source.kind,
    clock: new Date(clockSec * 1000),
    deletedUserIds: changes.deleteUserIds,
    insertedUserIds: changes.insertUsers.map((u) => u.id),
    renamedUserIds: changes.renameUsers.map((u) => u.id),
    activityIds: activity.length > 0 ? { first: activity[0]!.id, last: activity.at(-1)!.id } : null,
    uploadFile,
    uploadRows: uploads.length,
    totalUsers: totals.users,
    totalActivity: totals.activity,
  };
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of epoch seconds. */
export function formatUtcDateTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

interface UploadRow {
  userId: number;
  fileName: string;
  timestamp: number;
}

interface RoundPlan {
  changes: RoundChanges;
  uploads: UploadRow[];
}

type Counts = Pick<z.output<typeof optionsSchema>, 'users' | 'renames' | 'deletes' | 'events' | 'uploads' | 'seed'>;

/** Decides a round from the source state alone (pure: same state, counts, seed and clock => same plan). */
function planRound(state: SourceState, o: Counts, clockSec: number): RoundPlan {
  const nextUserId = (state.users.at(-1)?.id ?? 0) + 1;
  const nextActivityId = state.maxActivityId + 1;
  const rng = new Rng(o.seed, `user-activity:${clockSec}:${nextUserId}:${nextActivityId}`);

  // the newest user is never deleted, so that max(id) + 1 never hands a deleted id out again
  const deleteUserIds = sample(rng.fork('deletes'), state.users.slice(0, -1).map((u) => u.id), o.deletes).sort(byNumber);
  const deleted = new Set(deleteUserIds);
  const nameRng = rng.fork('names');
  const insertUsers = Array.from({ length: o.users }, (_, i) => ({ id: nextUserId + i, name: randomName(nameRng) }));

  const current = new Map(state.users.filter((u) => !deleted.has(u.id)).map((u) => [u.id, u.name]));
  for (const u of insertUsers) current.set(u.id, u.name);
  const renameRng = rng.fork('renames');
  const renameUsers = sample(renameRng, [...current.keys()], o.renames)
    .sort(byNumber)
    .map((id) => ({ id, name: differentName(renameRng, current.get(id)!) }));
  for (const u of renameUsers) current.set(u.id, u.name);

  const userIds = [...current.keys()];
  const activityRng = rng.fork('activity');
  const insertActivity = userIds.length === 0 ? [] : timesBefore(activityRng, o.events, clockSec).map((t, i) => ({
    id: nextActivityId + i,
    userId: activityRng.pick(userIds),
    type: activityRng.pick(ACTIVITY_TYPES),
    timestamp: formatUtcDateTime(t),
  }));
  const uploadRng = rng.fork('uploads');
  const uploads = userIds.length === 0 ? [] : timesBefore(uploadRng, o.uploads, clockSec).map((timestamp) => ({
    userId: uploadRng.pick(userIds),
    fileName: `file_${uploadRng.range(1, 9999)}.${uploadRng.pick(FILE_EXTENSIONS)}`,
    timestamp,
  }));
  return { changes: { deleteUserIds, insertUsers, renameUsers, insertActivity }, uploads };
}

const byNumber = (a: number, b: number): number => a - b;

/** k distinct items (all of them when k >= items.length), by a partial Fisher-Yates shuffle. */
function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/** n ascending epoch seconds drawn uniformly from [clock - 24 h, clock). */
function timesBefore(rng: Rng, n: number, clockSec: number): number[] {
  return Array.from({ length: n }, () => clockSec - DAY_S + rng.int(DAY_S)).sort(byNumber);
}

function randomName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

function differentName(rng: Rng, old: string): string {
  let name = randomName(rng);
  while (name === old) name = randomName(rng);
  return name;
}
