-- The 10 artists played most often (plays matched to a known song only).
SELECT a.name AS artist, COUNT(*) AS plays
FROM songplays AS p
JOIN artists AS a ON a.artist_id = p.artist_id
GROUP BY a.name
ORDER BY plays DESC, artist
LIMIT 10;
