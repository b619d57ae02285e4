-- assessment_rejects: the raw records the last run could not flatten, each with its reason and
-- the record as it came (cut to 64 KB). Rebuilt by every run, which reads every raw file.
INSERT INTO assessment_rejects (source_index, keen_id, reason_code, reason, "raw", raw_truncated)
SELECT source_index, keen_id, reason_code, reason, "raw", raw_truncated
FROM staging_assessment_rejects;
