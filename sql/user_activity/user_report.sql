-- user_report: one row per current user (users without activity too, with zeros): counts per
-- activity type, the type of the latest activity (ties on the timestamp go to the higher id),
-- whether the user was active within the two days up to the run's time (boundary included),
-- and the rows for the user over every upload dump loaded so far. The step empties it first.
INSERT INTO user_report (user_id, total_updates, total_inserts, total_deletes, last_activity_type, is_active, upload_count)
SELECT u.user_id,
       COALESCE(a.total_updates, 0),
       COALESCE(a.total_inserts, 0),
       COALESCE(a.total_deletes, 0),
       latest.activity_type,
       COALESCE(a.recent_activities, 0) > 0,
       COALESCE(up.upload_count, 0)
FROM users AS u
LEFT JOIN (
    SELECT l.user_id,
           SUM(CASE WHEN l.activity_type = 'UPDATE' THEN 1 ELSE 0 END) AS total_updates,
           SUM(CASE WHEN l.activity_type = 'INSERT' THEN 1 ELSE 0 END) AS total_inserts,
           SUM(CASE WHEN l.activity_type = 'DELETE' THEN 1 ELSE 0 END) AS total_deletes,
           SUM(CASE WHEN l.activity_at >= DATEADD(day, -2, c.run_time) AND l.activity_at <= c.run_time
                    THEN 1 ELSE 0 END) AS recent_activities
    FROM activitylog AS l
    CROSS JOIN run_context AS c
    GROUP BY l.user_id
) AS a ON a.user_id = u.user_id
LEFT JOIN (
    SELECT user_id, activity_type,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY activity_at DESC, id DESC) AS recency
    FROM activitylog
) AS latest ON latest.user_id = u.user_id AND latest.recency = 1
LEFT JOIN (
    SELECT user_id, COUNT(*) AS upload_count
    FROM user_uploads
    GROUP BY user_id
) AS up ON up.user_id = u.user_id;
