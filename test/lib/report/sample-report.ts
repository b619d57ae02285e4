// A run report with known data for the report tests: three charts of known size (24 bars,
// 10 bars, a 5-point line), two balanced loads, a rejected sample, and strings carrying markup.
import type { RunReport } from '../../../lib/report/index.ts';

export const HOSTILE = '<script>alert("x")</script>';

export const PLAYS_PER_HOUR = Array.from({ length: 24 }, (_, hour) => ({
  hour: String(hour).padStart(2, '0'),
  plays: Math.round(40 + 35 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) + (hour % 5) * 3),
}));

export const TOP_SONGS = [
  "You're The One",
  'Undo',
  'Revelry',
  'Sehr kosmisch',
  'Horn Concerto No. 4 in E flat K495: II. Romance (Andante cantabile)',
  'Secrets',
  'Canada',
  'Invalid',
  'Ain\'t Misbehavin',
  'Catch You Baby (Steve Pitron & Max Sanna Radio Edit)',
].map((song, i) => ({ song, plays: 37 - i * 3 }));

export const DAILY_PLAYS = [
  { day: '2018-11-01', plays: 312 },
  { day: '2018-11-02', plays: 355 },
  { day: '2018-11-03', plays: 298 },
  { day: '2018-11-04', plays: 410 },
  { day: '2018-11-05', plays: 388 },
];

export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    pipeline: 'sparkify',
    runId: 'sparkify-2018-11-05-1a2b3c4d',
    runDate: '2018-11-05',
    status: 'SUCCEEDED',
    startedAt: '2018-11-06T02:00:04.512Z',
    durationMs: 8_420,
    tables: { songplays: 6_820, users: 104, songs: 14_896, artists: 10_025, time: 6_813, [`evil${HOSTILE}`]: 1 },
    loads: [
      { table: 'staging_events', files: 30, read: 8_056, loaded: 8_054, rejected: 2 },
      { table: 'staging_songs', files: 71, read: 14_896, loaded: 14_896, rejected: 0 },
    ],
    rejectedSample: [
      {
        table: 'staging_events',
        fileName: 'log_data/2018/11/2018-11-05-events.json',
        lineNumber: 118,
        errorMessage: 'Invalid numeric value for column ts',
        rawLine: `{"ts":"${HOSTILE}","userId":"7"}`,
      },
      {
        table: 'staging_events',
        fileName: 'log_data/2018/11/2018-11-05-events.json',
        lineNumber: 342,
        errorMessage: 'Unexpected end of JSON input',
        rawLine: '{"artist":"Des\'ree","auth":"Logged In","firstName":"Kaylee"',
      },
    ],
    checks: [
      { name: 'songplays_not_empty', passed: true, detail: '6,820 rows' },
      { name: 'users_have_level', passed: true, detail: '0 rows with a null level' },
      { name: 'songs_unique_ids', passed: true, detail: '0 duplicate song_id' },
    ],
    steps: [
      { step: 'CreateTables', status: 'SUCCEEDED', ms: 310 },
      { step: 'StageEvents', status: 'SUCCEEDED', ms: 2_140 },
      { step: 'StageSongs', status: 'SUCCEEDED', ms: 3_020 },
      { step: 'LoadFacts', status: 'SUCCEEDED', ms: 1_250 },
      { step: 'LoadDimensions', status: 'SUCCEEDED', ms: 980 },
      { step: 'Checks', status: 'SUCCEEDED', ms: 420 },
      { step: 'Summarize', status: 'SUCCEEDED', ms: 300 },
    ],
    charts: [
      { id: 'plays-per-hour', title: 'Plays per hour', kind: 'bar', rows: PLAYS_PER_HOUR, x: 'hour', y: 'plays' },
      { id: 'top-songs', title: 'Top 10 songs', kind: 'bar', rows: TOP_SONGS, x: 'song', y: 'plays' },
      { id: 'daily-plays', title: 'Plays per day', kind: 'line', rows: DAILY_PLAYS, x: 'day', y: 'plays' },
    ],
    published: [
      { name: 'top_songs', uri: 's3://redline-results/sparkify/2018-11-05/top_songs.parquet', rows: 10 },
      { name: 'plays_per_hour', uri: 's3://redline-results/sparkify/2018-11-05/plays_per_hour.parquet', rows: 24 },
    ],
    ...overrides,
  };
}
