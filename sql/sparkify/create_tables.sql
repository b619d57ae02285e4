-- Sparkify: staging tables (one per source, reloaded each run) and the star schema.
-- Safe to run before every run: every table is created only if absent.
-- users.level_at is the time of the event the row's name and level come from (see users.sql).

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
    ts              TIMESTAMP,
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
