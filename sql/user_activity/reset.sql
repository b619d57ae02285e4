-- user-activity-init: start the import over. Empties what the reports workflow imported and
-- derived, resets the activity log's watermark and forgets which upload dumps were loaded, so
-- the next reports run imports everything again. user_total keeps its history of runs.
DELETE FROM activitylog;
DELETE FROM users;
DELETE FROM user_uploads;
DELETE FROM staging_uploads;
DELETE FROM user_report;
DELETE FROM user_known_ids;
DELETE FROM redline_watermarks WHERE pipeline = 'user-activity-reports';
INSERT INTO redline_watermarks (pipeline, source_table, high_water) VALUES ('user-activity-reports', 'activitylog', 0);
DELETE FROM redline_loaded_files WHERE pipeline = 'user-activity-reports';
DELETE FROM redline_file_candidates WHERE pipeline = 'user-activity-reports';
