-- assessments: one row per attempt. Replaces the attempts this run flattened, by attempt_key, so
-- a re-run or an attempt that arrives again in another file never duplicates a row; when several
-- files carry the same attempt, the latest keen_timestamp wins.
DELETE FROM assessments WHERE attempt_key IN (SELECT attempt_key FROM staging_assessments);

INSERT INTO assessments (attempt_key, keen_id, keen_timestamp, keen_created_at, started_at, max_attempts, base_exam_id,
                         user_exam_id, exam_name, certification, sequence_id, attempt, question_count, correct, incorrect,
                         unanswered, total, submitted, incomplete, all_correct)
SELECT attempt_key, keen_id, keen_timestamp, keen_created_at, started_at, max_attempts, base_exam_id,
       user_exam_id, exam_name, certification, sequence_id, attempt, question_count, correct, incorrect,
       unanswered, total, submitted, incomplete, all_correct
FROM (
    SELECT s.*, ROW_NUMBER() OVER (PARTITION BY attempt_key ORDER BY keen_timestamp DESC, keen_id) AS copy_number
    FROM staging_assessments AS s
) AS ranked
WHERE copy_number = 1;
