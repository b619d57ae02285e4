-- user_daily_activity: per logged-in user, day and level, this run's events, plays (NextSong),
-- sessions and upgrades submitted. Delete-insert of the days this run staged (like songplays), so
-- re-running a day changes nothing. A session spanning midnight or a change of level counts once
-- in each day and level it has events in.
DELETE FROM user_daily_activity
WHERE activity_date >= (SELECT MIN(CAST(ts AS DATE)) FROM staging_events)
  AND activity_date <= (SELECT MAX(CAST(ts AS DATE)) FROM staging_events);

INSERT INTO user_daily_activity (user_id, activity_date, level, events, plays, sessions, upgrades)
SELECT CAST(user_id AS INTEGER),
       CAST(ts AS DATE),
       level,
       COUNT(*),
       SUM(CASE WHEN page = 'NextSong' THEN 1 ELSE 0 END),
       COUNT(DISTINCT session_id),
       SUM(CASE WHEN page = 'Submit Upgrade' THEN 1 ELSE 0 END)
FROM staging_events
WHERE user_id IS NOT NULL AND TRIM(user_id) <> '' AND level IS NOT NULL
GROUP BY CAST(user_id AS INTEGER), CAST(ts AS DATE), level;
