-- songplays: one row per NextSong event by a known user. song_id and artist_id come from
-- the song whose title and artist name equal the event's song and artist (the lowest
-- song_id when several do), NULL when none does. songplay_id is derived from the event
-- itself (session, item in session, ts). Delete-insert of the days this run staged, so
-- re-running a day or loading overlapping days never duplicates a play.
DELETE FROM songplays
WHERE start_time >= (SELECT MIN(DATE_TRUNC('day', ts)) FROM staging_events)
  AND start_time < (SELECT DATEADD(day, 1, MAX(DATE_TRUNC('day', ts))) FROM staging_events);

INSERT INTO songplays (songplay_id, start_time, user_id, level, song_id, artist_id, session_id, location, user_agent)
SELECT MD5(CAST(e.session_id AS VARCHAR) || '-' || CAST(e.item_in_session AS VARCHAR) || '-'
           || CAST(DATEDIFF(millisecond, TIMESTAMP '1970-01-01 00:00:00', e.ts) AS VARCHAR)),
       e.ts,
       CAST(e.user_id AS INTEGER),
       e.level,
       s.song_id,
       s.artist_id,
       e.session_id,
       e.location,
       e.user_agent
FROM staging_events AS e
LEFT JOIN (
    SELECT title, artist_name, song_id, artist_id,
           ROW_NUMBER() OVER (PARTITION BY title, artist_name ORDER BY song_id) AS candidate
    FROM staging_songs
) AS s
    ON s.title = e.song AND s.artist_name = e.artist AND s.candidate = 1
WHERE e.page = 'NextSong'
  AND e.user_id IS NOT NULL AND TRIM(e.user_id) <> '';
