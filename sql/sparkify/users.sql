-- users: one row per non-empty userId, with the name, gender and level of that user's
-- latest event by ts. (SELECT DISTINCT would keep one row per level a user ever had.)
INSERT INTO users (user_id, first_name, last_name, gender, level)
SELECT CAST(user_id AS INTEGER), first_name, last_name, gender, level
FROM (
    SELECT user_id, first_name, last_name, gender, level,
           ROW_NUMBER() OVER (
               PARTITION BY user_id
               ORDER BY ts DESC, session_id DESC, item_in_session DESC
           ) AS recency
    FROM staging_events
    WHERE user_id IS NOT NULL AND TRIM(user_id) <> ''
) AS ranked
WHERE recency = 1;
