-- time: one row per distinct songplays start_time, broken into calendar units, for the days
-- this run staged (delete-insert, like songplays). week is the ISO week number; weekday
-- counts from 0 = Sunday.
DELETE FROM time
WHERE start_time >= (SELECT MIN(DATE_TRUNC('day', ts)) FROM staging_events)
  AND start_time < (SELECT DATEADD(day, 1, MAX(DATE_TRUNC('day', ts))) FROM staging_events);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       EXTRACT(hour FROM start_time),
       EXTRACT(day FROM start_time),
       EXTRACT(week FROM start_time),
       EXTRACT(month FROM start_time),
       EXTRACT(year FROM start_time),
       EXTRACT(dow FROM start_time)
FROM (
    SELECT DISTINCT start_time
    FROM songplays
    WHERE start_time >= (SELECT MIN(DATE_TRUNC('day', ts)) FROM staging_events)
      AND start_time < (SELECT DATEADD(day, 1, MAX(DATE_TRUNC('day', ts))) FROM staging_events)
) AS play_times;
