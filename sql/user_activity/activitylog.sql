-- activitylog: append the staged rows past the watermark (the highest id imported, which the
-- MySQL extract also reads to extract only newer rows), then move the watermark. Ids only grow at the source, so rows at or under it were imported before: a
-- re-run, or an extract that repeats rows, adds nothing.
INSERT INTO activitylog (id, user_id, activity_type, activity_at)
SELECT s.id, s.user_id, UPPER(s.type), s.event_time
FROM staging_activitylog AS s
WHERE s.id > (
    SELECT COALESCE(MAX(high_water), 0) FROM redline_watermarks
    WHERE pipeline = 'user-activity-reports' AND source_table = 'activitylog'
)
  AND NOT EXISTS (SELECT 1 FROM activitylog AS known WHERE known.id = s.id);

DELETE FROM redline_watermarks WHERE pipeline = 'user-activity-reports' AND source_table = 'activitylog';

INSERT INTO redline_watermarks (pipeline, source_table, high_water)
SELECT 'user-activity-reports', 'activitylog', COALESCE(MAX(id), 0)
FROM activitylog;
