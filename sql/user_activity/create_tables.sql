-- user_activity: the website's users and their activity log, imported from the application's
-- MySQL database (as CSV extracts in the landing bucket), the upload dumps, and the two reports.
-- Safe to run before every run: every table is created only if absent.

-- Staging (each run gets its own copy): the user table as a full snapshot, the activity log as
-- extracted (a full snapshot from CSV, the rows past the watermark from MySQL).
CREATE TABLE IF NOT EXISTS staging_user (
    id   INTEGER      NOT NULL,
    name VARCHAR(256)
) DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS staging_activitylog (
    id         BIGINT      NOT NULL,
    user_id    INTEGER,
    type       VARCHAR(16),
    event_time TIMESTAMP
) DISTSTYLE EVEN;

-- staging_uploads: every row of every upload dump, each dump COPYed once (the load-once ledger).
CREATE TABLE IF NOT EXISTS staging_uploads (
    user_id     INTEGER,
    file_name   VARCHAR(512),
    uploaded_at TIMESTAMP
) DISTKEY (user_id);

-- user_uploads: the uploads the reports count, rebuilt from staging_uploads by each reports run,
-- so a run that fails before its reports leaves them as the last successful run left them.
CREATE TABLE IF NOT EXISTS user_uploads (
    user_id     INTEGER,
    file_name   VARCHAR(512),
    uploaded_at TIMESTAMP
) DISTKEY (user_id);

-- users: the current users, replaced by each run's snapshot (users are renamed and deleted in place).
CREATE TABLE IF NOT EXISTS users (
    user_id INTEGER      NOT NULL,
    name    VARCHAR(256)
) DISTSTYLE ALL;

-- activitylog: every activity row imported so far, appended past the watermark.
CREATE TABLE IF NOT EXISTS activitylog (
    id            BIGINT      NOT NULL,
    user_id       INTEGER,
    activity_type VARCHAR(16) NOT NULL,
    activity_at   TIMESTAMP   NOT NULL
) DISTKEY (user_id) SORTKEY (activity_at);

-- user_known_ids: every user id seen by a reports run, to count the users each run adds.
CREATE TABLE IF NOT EXISTS user_known_ids (
    user_id INTEGER NOT NULL
) DISTSTYLE ALL;

-- user_report: one row per current user, rebuilt by each reports run.
CREATE TABLE IF NOT EXISTS user_report (
    user_id            INTEGER     NOT NULL,
    total_updates      BIGINT      NOT NULL,
    total_inserts      BIGINT      NOT NULL,
    total_deletes      BIGINT      NOT NULL,
    last_activity_type VARCHAR(16),
    is_active          BOOLEAN     NOT NULL,
    upload_count       BIGINT      NOT NULL
) DISTSTYLE ALL;

-- user_total: one row appended by each reports run.
CREATE TABLE IF NOT EXISTS user_total (
    run_id      VARCHAR(128) NOT NULL,
    time_ran    TIMESTAMP    NOT NULL,
    total_users BIGINT       NOT NULL,
    users_added BIGINT       NOT NULL
) DISTSTYLE ALL SORTKEY (time_ran);
