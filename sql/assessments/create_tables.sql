-- Assessments: the flat tables of assessment attempts (see lambdas/core/assessments/tables.ts, whose
-- ASSESSMENT_TABLES these columns must equal: test/sql/assessments-schema.test.ts checks it), and a
-- staging table of the same columns (NOT NULL included, so COPY itself rejects incomplete rows) for
-- each. The transform writes one gzip JSON-lines file per table; COPY … FORMAT AS JSON 'auto' GZIP
-- lands it in the staging table (keys are the column names), from which the final table is filled.
-- Safe to run before every run: every table is created only if absent.
--
-- Keys: attempt_key (keen_id, or keen_id~n for a differing version of an attempt); question_key =
-- attempt_key/position. The attempt tables, staging ones included, are distributed on attempt_key, so
-- joining an attempt with its questions and options, or staging rows with final rows, stays on one
-- slice; the final ones are sorted by it too.
-- No key constraints are declared: Redshift does not enforce them, and trusts them when planning.
-- Timestamps are UTC. "raw" is quoted because RAW is a reserved word in Redshift: quote it in any SQL.

CREATE TABLE IF NOT EXISTS staging_assessments (
    attempt_key     VARCHAR(80)   NOT NULL,
    keen_id         VARCHAR(64)   NOT NULL,
    keen_timestamp  TIMESTAMP     NOT NULL,
    keen_created_at TIMESTAMP,
    started_at      TIMESTAMP     NOT NULL,
    max_attempts    INTEGER,
    base_exam_id    VARCHAR(64)   NOT NULL,
    user_exam_id    VARCHAR(64)   NOT NULL,
    exam_name       VARCHAR(1024) NOT NULL,
    certification   BOOLEAN,
    sequence_id     VARCHAR(64),
    attempt         INTEGER,
    question_count  INTEGER       NOT NULL,
    correct         INTEGER,
    incorrect       INTEGER,
    unanswered      INTEGER,
    total           INTEGER,
    submitted       INTEGER,
    incomplete      INTEGER,
    all_correct     BOOLEAN
) DISTSTYLE KEY DISTKEY (attempt_key);

CREATE TABLE IF NOT EXISTS staging_assessment_questions (
    attempt_key     VARCHAR(80) NOT NULL,
    question_key    VARCHAR(96) NOT NULL,
    position        INTEGER     NOT NULL,
    question_id     VARCHAR(64) NOT NULL,
    user_correct    BOOLEAN,
    user_incomplete BOOLEAN,
    user_submitted  BOOLEAN,
    user_result     VARCHAR(32),
    option_count    INTEGER     NOT NULL
) DISTSTYLE KEY DISTKEY (attempt_key);

CREATE TABLE IF NOT EXISTS staging_assessment_options (
    question_key VARCHAR(96) NOT NULL,
    attempt_key  VARCHAR(80) NOT NULL,
    position     INTEGER     NOT NULL,
    option_id    VARCHAR(64) NOT NULL,
    checked      BOOLEAN,
    correct      BOOLEAN,
    submitted    BOOLEAN,
    clicked_at   TIMESTAMP
) DISTSTYLE KEY DISTKEY (attempt_key);

CREATE TABLE IF NOT EXISTS staging_assessment_rejects (
    source_index  INTEGER        NOT NULL,
    keen_id       VARCHAR(64),
    reason_code   VARCHAR(32)    NOT NULL,
    reason        VARCHAR(1024)  NOT NULL,
    "raw"         VARCHAR(65535) NOT NULL,
    raw_truncated BOOLEAN        NOT NULL
) DISTSTYLE EVEN;

-- One row per attempt loaded.
CREATE TABLE IF NOT EXISTS assessments (
    attempt_key     VARCHAR(80)   NOT NULL,
    keen_id         VARCHAR(64)   NOT NULL,
    keen_timestamp  TIMESTAMP     NOT NULL,
    keen_created_at TIMESTAMP,
    started_at      TIMESTAMP     NOT NULL,
    max_attempts    INTEGER,
    base_exam_id    VARCHAR(64)   NOT NULL,
    user_exam_id    VARCHAR(64)   NOT NULL,
    exam_name       VARCHAR(1024) NOT NULL,
    certification   BOOLEAN,
    sequence_id     VARCHAR(64),
    attempt         INTEGER,
    question_count  INTEGER       NOT NULL,
    correct         INTEGER,
    incorrect       INTEGER,
    unanswered      INTEGER,
    total           INTEGER,
    submitted       INTEGER,
    incomplete      INTEGER,
    all_correct     BOOLEAN
) DISTSTYLE KEY DISTKEY (attempt_key) SORTKEY (attempt_key);

-- One row per question of an attempt (sequences.questions), position 1-based.
CREATE TABLE IF NOT EXISTS assessment_questions (
    attempt_key     VARCHAR(80) NOT NULL,
    question_key    VARCHAR(96) NOT NULL,
    position        INTEGER     NOT NULL,
    question_id     VARCHAR(64) NOT NULL,
    user_correct    BOOLEAN,
    user_incomplete BOOLEAN,
    user_submitted  BOOLEAN,
    user_result     VARCHAR(32),
    option_count    INTEGER     NOT NULL
) DISTSTYLE KEY DISTKEY (attempt_key) COMPOUND SORTKEY (attempt_key, position);

-- One row per option of a question, position 1-based; correct is null on options that are not correct.
CREATE TABLE IF NOT EXISTS assessment_options (
    question_key VARCHAR(96) NOT NULL,
    attempt_key  VARCHAR(80) NOT NULL,
    position     INTEGER     NOT NULL,
    option_id    VARCHAR(64) NOT NULL,
    checked      BOOLEAN,
    correct      BOOLEAN,
    submitted    BOOLEAN,
    clicked_at   TIMESTAMP
) DISTSTYLE KEY DISTKEY (attempt_key) COMPOUND SORTKEY (attempt_key, question_key, position);

-- One row per input document that could not be flattened, with why and its text.
CREATE TABLE IF NOT EXISTS assessment_rejects (
    source_index  INTEGER        NOT NULL,
    keen_id       VARCHAR(64),
    reason_code   VARCHAR(32)    NOT NULL,
    reason        VARCHAR(1024)  NOT NULL,
    "raw"         VARCHAR(65535) NOT NULL,
    raw_truncated BOOLEAN        NOT NULL
) DISTSTYLE EVEN SORTKEY (source_index);
