-- user_uploads: every upload over all the dumps loaded so far (the step empties it first, in the
-- same transaction), from the rows the stage task appended to staging_uploads, one dump once. An
-- upload is its user, file and time: dumps that overlap, or one dump landed under a second key,
-- hold the same upload more than once, and it counts once.
INSERT INTO user_uploads (user_id, file_name, uploaded_at)
SELECT DISTINCT user_id, file_name, uploaded_at
FROM staging_uploads;
