// The sparkify pipeline (seed 001): song data and song-play event logs in S3 → staging →
// star schema (songplays fact; users, songs, artists, time dimensions) → quality checks.
// Daily runs: each loads its day's event log; every step is idempotent for that day.
import { definePipeline } from './spec.ts';
import { noNulls, notEmpty, referencesExist, uniqueKey } from './checks.ts';

const dimensions = [
  { table: 'users', key: ['user_id'] },
  { table: 'songs', key: ['song_id'] },
  { table: 'artists', key: ['artist_id'] },
  { table: 'time', key: ['start_time'] },
] as const;

export const sparkify = definePipeline({
  name: 'sparkify',
  description: 'Song plays of the Sparkify streaming app, as a star schema for analysts.',
  schema: 'sparkify/create_tables.sql',
  sources: [
    {
      table: 'staging_events',
      prefix: 'log_data/{yyyy}/{mm}/{yyyy}-{mm}-{dd}-events.json',
      format: { kind: 'json', paths: 'sparkify/log_json_path.json' },
      timeFormat: 'epochmillisecs',
      blanksAsNull: true,
      emptyAsNull: true,
    },
    {
      table: 'staging_songs',
      prefix: 'song_data/',
      format: { kind: 'json', paths: 'auto' },
      load: 'new-files',
    },
  ],
  steps: [
    { name: 'songs', sql: 'sparkify/songs.sql', target: 'songs', mode: 'idempotent' },
    { name: 'artists', sql: 'sparkify/artists.sql', target: 'artists', mode: 'idempotent' },
    { name: 'users', sql: 'sparkify/users.sql', target: 'users', mode: 'idempotent' },
    { name: 'songplays', sql: 'sparkify/songplays.sql', target: 'songplays', mode: 'idempotent' },
    { name: 'time', sql: 'sparkify/time.sql', target: 'time', mode: 'idempotent' },
  ],
  checks: [
    notEmpty('songplays'),
    ...dimensions.map((d) => notEmpty(d.table)),
    noNulls('songplays', ['songplay_id', 'start_time', 'user_id']),
    ...dimensions.map((d) => noNulls(d.table, d.key)),
    uniqueKey('songplays', ['songplay_id']),
    ...dimensions.map((d) => uniqueKey(d.table, d.key)),
    referencesExist('songplays', 'user_id', 'users', 'user_id'),
    referencesExist('songplays', 'start_time', 'time', 'start_time'),
  ],
  reportTables: ['songplays', 'users', 'songs', 'artists', 'time'],
  schedule: 'cron(0 1 * * ? *)',
  sla: { maxDurationMinutes: 30, maxStalenessHours: 26 },
});
