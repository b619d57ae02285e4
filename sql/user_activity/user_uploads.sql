-- user_uploads: every upload over all the dumps loaded so far (the step empties it first, in the
-- same transaction), from the rows the stage task appended to staging_uploads, one dump once.
INSERT INTO user_uploads (user_id, file_name, uploaded_at)
SELECT user_id, file_name, uploaded_at
FROM staging_uploads;
