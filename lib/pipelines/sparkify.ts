// The sparkify pipeline (seed 001): song data and song-play event logs in S3 → staging → the
// day's events cleaned (normalised, rule breakers and duplicates quarantined) → star schema
// (songplays fact; users, songs, artists, time dimensions) → each user's daily activity → a model
// scoring free users' chance of upgrading (user_upgrade_scores) → quality checks.
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
    // Song and artist are matched verbatim against the (uncleaned) catalogue, so they are not trimmed.
    {
      kind: 'clean',
      name: 'events',
      table: 'staging_events',
      trim: ['auth', 'first_name', 'last_name', 'gender', 'level', 'location', 'method', 'page', 'user_id'],
      emptyAsNull: ['artist', 'song', 'first_name', 'last_name', 'gender', 'location', 'user_agent', 'user_id'],
      lowerCase: ['level'],
      upperCase: ['gender'],
      constraints: [
        { rule: 'acceptedValues', column: 'level', values: ['free', 'paid'] },
        { rule: 'notNull', column: 'page' },
        { rule: 'range', column: 'status', min: 100, max: 599 },
        // Logged-out visitors have no userId, but they never play a song.
        { rule: 'expression', name: 'next_song_has_user', sql: "page <> 'NextSong' OR user_id IS NOT NULL" },
      ],
      dedupe: { key: ['session_id', 'item_in_session', 'user_id'], latest: 'ts' },
      maxQuarantinedRatio: 0.01,
    },
    { kind: 'sql', name: 'songs', sql: 'sparkify/songs.sql', target: 'songs', mode: 'idempotent' },
    { kind: 'sql', name: 'artists', sql: 'sparkify/artists.sql', target: 'artists', mode: 'idempotent' },
    { kind: 'sql', name: 'users', sql: 'sparkify/users.sql', target: 'users', mode: 'idempotent' },
    { kind: 'sql', name: 'songplays', sql: 'sparkify/songplays.sql', target: 'songplays', mode: 'idempotent' },
    { kind: 'sql', name: 'time', sql: 'sparkify/time.sql', target: 'time', mode: 'idempotent' },
    { kind: 'sql', name: 'user_activity', sql: 'sparkify/user_activity.sql', target: 'user_daily_activity', mode: 'idempotent' },
    // Scores every free user's chance of upgrading from their listening while free (seeded, so a
    // re-run scores the same); until enough users have upgraded, it keeps the scores it has.
    {
      kind: 'model',
      name: 'upgrade_propensity',
      model: 'upgrade-propensity',
      features: 'sparkify/upgrade_features.sql',
      target: 'user_upgrade_scores',
      seed: 42,
      holdout: 0.25,
      // Nobody has upgraded yet in the first days of a young user base: keep the scores until someone has.
      whenUntrainable: 'keep-scores',
    },
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
    {
      name: 'upgrade_scores',
      sql: 'sparkify/queries/upgrade_scores.sql',
      chart: { title: 'Free users most likely to upgrade', kind: 'bar', x: 'free_user', y: 'score' },
    },
  ],
  reportTables: ['songplays', 'users', 'songs', 'artists', 'time', 'user_upgrade_scores'],
  schedule: 'cron(0 1 * * ? *)',
  sla: { maxDurationMinutes: 30, maxStalenessHours: 26 },
});
