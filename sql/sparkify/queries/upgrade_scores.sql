-- The 10 free users most likely to upgrade to paid, by the upgrade-propensity model's latest scores
-- (the LIMIT sits in a subquery: Redshift's UNLOAD takes none in the outer SELECT).
SELECT free_user, score
FROM (
    SELECT u.first_name || ' ' || u.last_name || ' (' || CAST(s.user_id AS VARCHAR) || ')' AS free_user,
           s.score
    FROM user_upgrade_scores AS s
    JOIN users AS u ON u.user_id = s.user_id
    ORDER BY s.score DESC, s.user_id
    LIMIT 10
) AS top_scores
ORDER BY score DESC, free_user;
