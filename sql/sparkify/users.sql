-- users: one row per non-empty userId, with the name, gender and level of that user's latest
-- event by ts over every run so far (SELECT DISTINCT would keep one row per level a user ever
-- had). A merge by user_id: a user of this run's events replaces the stored row when this run's
-- latest event is at least as recent as the event the row came from (level_at).
CREATE TEMP TABLE run_latest_users AS
SELECT CAST(user_id AS INTEGER) AS user_id, first_name, last_name, gender, level, ts AS level_at
FROM (
    SELECT user_id, first_name, last_name, gender, level, ts,
           ROW_NUMBER() OVER (
               PARTITION BY user_id
               ORDER BY ts DESC, session_id DESC, item_in_session DESC
           ) AS recency
    FROM staging_events
    WHERE user_id IS NOT NULL AND TRIM(user_id) <> '' AND ts IS NOT NULL
) AS ranked
WHERE recency = 1;

DELETE FROM users
USING run_latest_users AS latest
WHERE users.user_id = latest.user_id AND users.level_at <= latest.level_at;

INSERT INTO users (user_id, first_name, last_name, gender, level, level_at)
SELECT latest.user_id, latest.first_name, latest.last_name, latest.gender, latest.level, latest.level_at
FROM run_latest_users AS latest
WHERE NOT EXISTS (SELECT 1 FROM users AS known WHERE known.user_id = latest.user_id);

DROP TABLE run_latest_users;
