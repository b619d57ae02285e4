-- The damage players took from each enemy: hits, total and average damage, most total damage first.
--
-- Reads take_damage. An enemy is its enemy_id (with its name). Ties go by name, then id.
SELECT
    enemy_id,
    enemy_name,
    COUNT(*)                                        AS hits,
    SUM(damage)                                     AS total_damage,
    ROUND(AVG(CAST(damage AS DOUBLE PRECISION)), 1) AS average_damage
FROM take_damage
GROUP BY enemy_id, enemy_name
ORDER BY total_damage DESC, enemy_name, enemy_id;
