-- artists: one row per artist_id, inserted once. An artist appears under several name variants
-- ("X" and "X featuring Y"); choose the variant used by most of its songs, then the shortest,
-- then the first alphabetically, and take location and coordinates from that record.
INSERT INTO artists (artist_id, name, location, latitude, longitude)
SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude
FROM (
    SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude,
           ROW_NUMBER() OVER (
               PARTITION BY artist_id
               ORDER BY songs_with_name DESC, LEN(artist_name), artist_name,
                        artist_location NULLS LAST, song_id
           ) AS preference
    FROM (
        SELECT artist_id, artist_name, artist_location, artist_latitude, artist_longitude, song_id,
               COUNT(*) OVER (PARTITION BY artist_id, artist_name) AS songs_with_name
        FROM staging_songs
        WHERE artist_id IS NOT NULL
    ) AS variants
) AS ranked
WHERE preference = 1
  AND NOT EXISTS (SELECT 1 FROM artists AS known WHERE known.artist_id = ranked.artist_id);
