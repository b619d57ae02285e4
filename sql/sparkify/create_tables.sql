-- Sparkify: staging tables (one per source, reloaded each run) and the star schema.
-- Safe to run before every run: every table is created only if absent.
-- users.level_at is the time of the event the row's name and level come from (see users.sql).
-- staging_events.ts is NOT NULL: every event has its time, so COPY rejects an event without one
-- as input (error 1213, naming the file and line) before any step reads it.

CREATE TABLE IF NOT EXISTS staging_events (
    artist          VARCHAR(512),
    auth            VARCHAR(32),
    first_name      VARCHAR(256),
    gender          CHAR(1),
    item_in_session INTEGER,
    last_name       VARCHAR(256),
    length          DOUBLE PRECISION,
    level           VARCHAR(10),
    location        VARCHAR(512),
    method          VARCHAR(10),
    page            VARCHAR(64),
    registration    DOUBLE PRECISION,
    session_id      INTEGER,
    song            VARCHAR(512),
    status          INTEGER,
    ts              TIMESTAMP NOT NULL,
    user_agent      VARCHAR(512),
    user_id         VARCHAR(16)
) DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS staging_songs (
    num_songs        INTEGER,
    artist_id        VARCHAR(64),
    artist_latitude  DOUBLE PRECISION,
    artist_longitude DOUBLE PRECISION,
    artist_location  VARCHAR(512),
    artist_name      VARCHAR(512),
    song_id          VARCHAR(64),
    title            VARCHAR(512),
    duration         DOUBLE PRECISION,
    year             INTEGER
) DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS songplays (
    songplay_id VARCHAR(32)  NOT NULL,
    start_time  TIMESTAMP    NOT NULL SORTKEY,
    user_id     INTEGER      NOT NULL DISTKEY,
    level       VARCHAR(10),
    song_id     VARCHAR(64),
    artist_id   VARCHAR(64),
    session_id  INTEGER,
    location    VARCHAR(512),
    user_agent  VARCHAR(512)
) DISTSTYLE KEY;

CREATE TABLE IF NOT EXISTS users (
    user_id    INTEGER NOT NULL SORTKEY,
    first_name VARCHAR(256),
    last_name  VARCHAR(256),
    gender     CHAR(1),
    level      VARCHAR(10),
    level_at   TIMESTAMP NOT NULL
) DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS songs (
    song_id   VARCHAR(64) NOT NULL SORTKEY,
    title     VARCHAR(512),
    artist_id VARCHAR(64),
    year      INTEGER,
    duration  DOUBLE PRECISION
) DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS artists (
    artist_id VARCHAR(64) NOT NULL SORTKEY,
    name      VARCHAR(512),
    location  VARCHAR(512),
    latitude  DOUBLE PRECISION,
    longitude DOUBLE PRECISION
) DISTSTYLE ALL;

CREATE TABLE IF NOT EXISTS time (
    start_time TIMESTAMP NOT NULL SORTKEY,
    hour       SMALLINT,
    day        SMALLINT,
    week       SMALLINT,
    month      SMALLINT,
    year       SMALLINT,
    weekday    SMALLINT
) DISTSTYLE ALL;

-- user_daily_activity: per user, day and level, the user's logged-in events, song plays (NextSong),
-- sessions and upgrades submitted (Submit Upgrade): the listening history the upgrade model learns
-- from, kept for every day loaded (a run's staging holds its own day only). See user_activity.sql.
CREATE TABLE IF NOT EXISTS user_daily_activity (
    user_id       INTEGER     NOT NULL DISTKEY,
    activity_date DATE        NOT NULL SORTKEY,
    level         VARCHAR(10) NOT NULL,
    events        INTEGER     NOT NULL,
    plays         INTEGER     NOT NULL,
    sessions      INTEGER     NOT NULL,
    upgrades      INTEGER     NOT NULL
) DISTSTYLE KEY;

-- user_upgrade_scores: each free user's chance of upgrading to paid, by the upgrade-propensity model
-- (lambdas/core/models/) over every day loaded; every run's model step replaces them all. Which run
-- scored them, and what the model measured, is in the run audit (step model_upgrade_propensity).
CREATE TABLE IF NOT EXISTS user_upgrade_scores (
    user_id INTEGER          NOT NULL SORTKEY,
    score   DOUBLE PRECISION NOT NULL,
    model   VARCHAR(64)      NOT NULL
) DISTSTYLE ALL;
