-- songs: one row per song_id, inserted once. The song data repeats some songs in several
-- files; keep one record per song_id, chosen deterministically, and only songs not yet known,
-- so re-running a day or loading overlapping days adds nothing twice.
INSERT INTO songs (song_id, title, artist_id, year, duration)
SELECT song_id, title, artist_id, year, duration
FROM (
    SELECT song_id, title, artist_id, year, duration,
           ROW_NUMBER() OVER (PARTITION BY song_id ORDER BY title, artist_id, year, duration) AS copy_number
    FROM staging_songs
    WHERE song_id IS NOT NULL
) AS numbered
WHERE copy_number = 1
  AND NOT EXISTS (SELECT 1 FROM songs AS known WHERE known.song_id = numbered.song_id);
