-- The 10 songs played most often, with their artist (plays matched to a known song only).
SELECT s.title AS song, a.name AS artist, COUNT(*) AS plays
FROM songplays AS p
JOIN songs AS s ON s.song_id = p.song_id
LEFT JOIN artists AS a ON a.artist_id = p.artist_id
GROUP BY s.title, a.name
ORDER BY plays DESC, song, artist
LIMIT 10;
