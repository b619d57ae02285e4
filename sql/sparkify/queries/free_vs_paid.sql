-- Song plays by the level (free or paid) of the user at the time of the play.
SELECT level, COUNT(*) AS plays
FROM songplays
GROUP BY level
ORDER BY level;
