-- The 10 enemies killed most often, with their kills and the levels they were killed at.
--
-- Reads kill_enemy. An enemy is its enemy_id (with its name). Ties go by name, then id.
SELECT
    enemy_id,
    enemy_name,
    COUNT(*)                                             AS kills,
    MIN(enemy_level)                                     AS lowest_level,
    MAX(enemy_level)                                     AS highest_level,
    ROUND(AVG(CAST(enemy_level AS DOUBLE PRECISION)), 1) AS average_level
FROM kill_enemy
GROUP BY enemy_id, enemy_name
ORDER BY kills DESC, enemy_name, enemy_id
LIMIT 10;
