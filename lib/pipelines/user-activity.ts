// The user_activity pipelines (seed 000): a website's users and their activity log, living in a
// MySQL database that keeps changing, plus CSV dumps of file uploads. Two workflows, as the seed
// had: user-activity-init starts the import over; user-activity-reports (scheduled) imports the
// user table as a full snapshot, the activity log past its watermark and each new upload dump
// once, then rebuilds user_report and appends a user_total row.
//
// Landing layout (what `redline generate user-activity` writes, and what the MySQL extract writes):
//   source/user.csv          id,name                      the user table, whole
//   source/activitylog.csv   id,user_id,type,timestamp    the activity log (whole, or past the watermark)
//   uploads/user_upload_dump.<epoch>.csv   user_id,file_name,timestamp (epoch seconds)
import { definePipeline } from './spec.ts';
import { noNulls, uniqueKey } from './checks.ts';

const SCHEMA = 'user_activity/create_tables.sql';
const SLA = { maxDurationMinutes: 30, maxStalenessHours: 26 };

export const userActivityInit = definePipeline({
  name: 'user-activity-init',
  description: 'Starts the user_activity import over: tables created, watermarks and the upload ledger reset.',
  schema: SCHEMA,
  sources: [],
  steps: [{ kind: 'sql', name: 'reset', sql: 'user_activity/reset.sql', target: 'activitylog', mode: 'idempotent' }],
  checks: [
    {
      name: 'activitylog_watermark_reset',
      sql:
        "SELECT COUNT(*) FROM redline_watermarks WHERE pipeline = 'user-activity-reports' " +
        "AND source_table = 'activitylog' AND high_water = 0",
      expect: { kind: 'equals', value: 1 },
    },
  ],
  reportTables: ['activitylog'],
  sla: SLA,
});

export const userActivityReports = definePipeline({
  name: 'user-activity-reports',
  description: "Per-user activity report and a running total of the website's users.",
  schema: SCHEMA,
  extract: {
    kind: 'mysql',
    tables: [
      { table: 'user', columns: ['id', 'name'], key: 'source/user.csv' },
      { table: 'activitylog', columns: ['id', 'user_id', 'type', 'timestamp'], key: 'source/activitylog.csv', incremental: { column: 'id' } },
    ],
  },
  sources: [
    {
      table: 'staging_user',
      prefix: 'source/user.csv',
      format: { kind: 'csv', ignoreHeader: 1 },
      emptyAsNull: true,
    },
    {
      table: 'staging_activitylog',
      prefix: 'source/activitylog.csv',
      format: { kind: 'csv', ignoreHeader: 1 },
      blanksAsNull: true,
      emptyAsNull: true,
    },
    {
      table: 'staging_uploads',
      prefix: 'uploads/user_upload_dump.',
      format: { kind: 'csv', ignoreHeader: 1 },
      timeFormat: 'epochsecs',
      emptyAsNull: true,
      load: 'new-files',
    },
  ],
  steps: [
    { kind: 'sql', name: 'users', sql: 'user_activity/users.sql', target: 'users', mode: 'rebuild' },
    { kind: 'sql', name: 'activitylog', sql: 'user_activity/activitylog.sql', target: 'activitylog', mode: 'idempotent' },
    { kind: 'sql', name: 'user_uploads', sql: 'user_activity/user_uploads.sql', target: 'user_uploads', mode: 'rebuild' },
    { kind: 'sql', name: 'user_report', sql: 'user_activity/user_report.sql', target: 'user_report', mode: 'rebuild' },
    { kind: 'sql', name: 'user_total', sql: 'user_activity/user_total.sql', target: 'user_total', mode: 'idempotent' },
  ],
  checks: [
    {
      name: 'one_report_row_per_user',
      sql: 'SELECT (SELECT COUNT(*) FROM user_report) - (SELECT COUNT(*) FROM users)',
      expect: { kind: 'equals', value: 0 },
    },
    uniqueKey('user_report', ['user_id']),
    noNulls('activitylog', ['id', 'activity_type', 'activity_at']),
    uniqueKey('activitylog', ['id']),
    {
      name: 'report_counts_match_activitylog',
      sql:
        'SELECT (SELECT COALESCE(SUM(total_updates + total_inserts + total_deletes), 0) FROM user_report) ' +
        '- (SELECT COUNT(*) FROM activitylog AS a JOIN users AS u ON u.user_id = a.user_id)',
      expect: { kind: 'equals', value: 0 },
    },
    {
      name: 'no_upload_dump_loaded_twice',
      sql:
        "SELECT file_uri FROM redline_loaded_files WHERE pipeline = 'user-activity-reports' AND table_name = 'staging_uploads' " +
        'AND loaded_at IS NOT NULL GROUP BY file_uri HAVING COUNT(*) > 1',
      expect: { kind: 'zero-rows' },
    },
  ],
  publish: [
    { name: 'active_users', sql: 'user_activity/queries/active_users.sql', chart: { title: 'Active vs inactive users', kind: 'bar', x: 'activity', y: 'users' } },
    { name: 'user_totals', sql: 'user_activity/queries/user_totals.sql', chart: { title: 'Users over runs', kind: 'line', x: 'time_ran', y: 'total_users' } },
  ],
  reportTables: ['user_report', 'user_total', 'users', 'activitylog', 'user_uploads'],
  schedule: 'cron(0 2 * * ? *)',
  sla: SLA,
});
