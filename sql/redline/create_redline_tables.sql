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

-- redline_loaded_files: the load-once ledger of sources staged with load 'new-files'. A run first
-- claims the files no one has loaded or holds a live claim on (claimed_at), COPYs the files it
-- claimed, then marks them loaded (loaded_at). A claim that was never marked loaded expires after
-- the claim lease, so a file claimed by a run that died is loaded by a later run.
CREATE TABLE IF NOT EXISTS redline_loaded_files (
    pipeline   VARCHAR(64)   NOT NULL,
    table_name VARCHAR(128)  NOT NULL,
    file_uri   VARCHAR(1024) NOT NULL,
    run_id     VARCHAR(128)  NOT NULL,
    claimed_at TIMESTAMP     NOT NULL,
    loaded_at  TIMESTAMP
) DISTSTYLE ALL SORTKEY (table_name);

-- redline_file_candidates: the files a run would claim, COPYed from a small CSV so a claim is one
-- INSERT … SELECT however many files there are; each run clears its own rows first.
CREATE TABLE IF NOT EXISTS redline_file_candidates (
    pipeline   VARCHAR(64)   NOT NULL,
    table_name VARCHAR(128)  NOT NULL,
    file_uri   VARCHAR(1024) NOT NULL,
    run_id     VARCHAR(128)  NOT NULL
) DISTSTYLE ALL;

-- run_context: the shape of each run's own one-row context table (run_context__r<run>), which the
-- Create tables task fills with the run's id, date and time; a step's SQL reads it as run_context.
CREATE TABLE IF NOT EXISTS run_context (
    run_id   VARCHAR(128) NOT NULL,
    pipeline VARCHAR(64)  NOT NULL,
    run_date DATE         NOT NULL,
    run_time TIMESTAMP    NOT NULL
) DISTSTYLE ALL;

-- redline_watermarks: per pipeline and incrementally imported table, the highest value of its
-- watermark column imported so far; the pipeline's SQL moves it in the step that imports.
CREATE TABLE IF NOT EXISTS redline_watermarks (
    pipeline     VARCHAR(64)  NOT NULL,
    source_table VARCHAR(128) NOT NULL,
    high_water   BIGINT       NOT NULL
) DISTSTYLE ALL;

-- redline_quarantine: the rows a cleaning step took out of its table, one per row, with the first rule
-- the row broke (e.g. 'notNull(page)', 'dedupe(session_id, item_in_session)') and why, and the whole
-- row as JSON text; a step's counts reconcile: rows read = rows kept + rows quarantined.
CREATE TABLE IF NOT EXISTS redline_quarantine (
    run_id         VARCHAR(128)   NOT NULL,
    pipeline       VARCHAR(64)    NOT NULL,
    step           VARCHAR(128)   NOT NULL,
    table_name     VARCHAR(128)   NOT NULL,
    rule           VARCHAR(1024)  NOT NULL,
    reason         VARCHAR(4096),
    row_data       VARCHAR(65535) NOT NULL,
    quarantined_at TIMESTAMP      NOT NULL
) DISTSTYLE EVEN SORTKEY (quarantined_at);

-- redline_step_metrics: what a step measured, one row per metric of a step attempt recorded in
-- redline_runs (same run_id, step and started_at), e.g. a model step's auc, baseline_auc,
-- train_rows. A table of its own rather than a column of redline_runs, so that warehouses created
-- before it gain it with the CREATE TABLE IF NOT EXISTS above every run (Redshift has no
-- ADD COLUMN IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS redline_step_metrics (
    run_id     VARCHAR(128)     NOT NULL,
    pipeline   VARCHAR(64)      NOT NULL,
    step       VARCHAR(128)     NOT NULL,
    started_at TIMESTAMP        NOT NULL,
    metric     VARCHAR(64)      NOT NULL,
    value      DOUBLE PRECISION NOT NULL
) DISTSTYLE ALL SORTKEY (started_at);
