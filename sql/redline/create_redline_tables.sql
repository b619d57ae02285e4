-- redline's own tables, created before every run's pipeline tables.
-- redline_runs: the audit of every run, one row per step attempt that finished or failed.
CREATE TABLE IF NOT EXISTS redline_runs (
    run_id        VARCHAR(128) NOT NULL,
    pipeline      VARCHAR(64)  NOT NULL,
    run_date      DATE         NOT NULL,
    step          VARCHAR(128) NOT NULL,
    rows_read     BIGINT,
    rows_loaded   BIGINT,
    rows_rejected BIGINT,
    started_at    TIMESTAMP    NOT NULL,
    ended_at      TIMESTAMP    NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    error         VARCHAR(1024)
) DISTSTYLE ALL SORTKEY (started_at);

-- redline_loaded_files: the load-once ledger of sources staged with load 'new-files': every file
-- COPYed, so no later run loads it again.
CREATE TABLE IF NOT EXISTS redline_loaded_files (
    pipeline   VARCHAR(64)   NOT NULL,
    table_name VARCHAR(128)  NOT NULL,
    file_uri   VARCHAR(1024) NOT NULL,
    run_id     VARCHAR(128)  NOT NULL
) DISTSTYLE ALL SORTKEY (table_name);
