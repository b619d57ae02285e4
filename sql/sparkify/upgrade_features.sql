-- The upgrade-propensity feature set (contract: lambdas/core/models/feature-set.ts): one row per
-- user who was ever free, from their activity while free over every day loaded:
--   plays, sessions (counted per day), days_active, and next_song_share: plays over all their events;
--   label 1 when they submitted an upgrade while free, 0 when they never did, NULL (not learnt from)
--   when they had fewer than 10 events while free: too little history for a share to mean much;
--   to_score 1 when they are free now (users.level): the users whose chance of upgrading is wanted.
SELECT a.user_id,
       a.plays,
       a.sessions,
       a.days_active,
       CAST(a.plays AS DOUBLE PRECISION) / a.events AS next_song_share,
       CASE WHEN a.events < 10 THEN NULL WHEN a.upgrades > 0 THEN 1 ELSE 0 END AS label,
       CASE WHEN u.level = 'free' THEN 1 ELSE 0 END AS to_score
FROM (
    SELECT user_id,
           SUM(events) AS events,
           SUM(plays) AS plays,
           SUM(sessions) AS sessions,
           COUNT(DISTINCT activity_date) AS days_active,
           SUM(upgrades) AS upgrades
    FROM user_daily_activity
    WHERE level = 'free'
    GROUP BY user_id
) AS a
JOIN users AS u ON u.user_id = a.user_id
ORDER BY a.user_id;
