-- users: the current users, from this run's snapshot of the user table (the step empties the
-- table first, in the same transaction). A user deleted at the source is gone from here too.
INSERT INTO users (user_id, name)
SELECT id, name
FROM staging_user;
