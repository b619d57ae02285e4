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
    { kind: 'sql', name: 'songs', sql: 'sparkify/songs.sql', target: 'songs', mode: 'idempotent' },
    { kind: 'sql', name: 'artists', sql: 'sparkify/artists.sql', target: 'artists', mode: 'idempotent' },
    { kind: 'sql', name: 'users', sql: 'sparkify/users.sql', target: 'users', mode: 'idempotent' },
    { kind: 'sql', name: 'songplays', sql: 'sparkify/songplays.sql', target: 'songplays', mode: 'idempotent' },
    { kind: 'sql', name: 'time', sql: 'sparkify/time.sql', target: 'time', mode: 'idempotent' },
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
  publish: [
    { name: 'plays_per_hour', sql: 'sparkify/queries/plays_per_hour.sql', chart: { title: 'Plays per hour of day', kind: 'bar', x: 'hour', y: 'plays' } },
    { name: 'top_songs', sql: 'sparkify/queries/top_songs.sql', chart: { title: 'Top songs', kind: 'bar', x: 'song', y: 'plays' } },
    { name: 'top_artists', sql: 'sparkify/queries/top_artists.sql', chart: { title: 'Top artists', kind: 'bar', x: 'artist', y: 'plays' } },
    { name: 'free_vs_paid', sql: 'sparkify/queries/free_vs_paid.sql', chart: { title: 'Free vs paid plays', kind: 'bar', x: 'level', y: 'plays' } },
  ],
  reportTables: ['songplays', 'users', 'songs', 'artists', 'time'],
  schedule: 'cron(0 1 * * ? *)',
  sla: { maxDurationMinutes: 30, maxStalenessHours: 26 },
});
