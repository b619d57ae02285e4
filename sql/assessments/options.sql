-- assessment_options: the options of the questions this run flattened, replacing theirs (one row
-- per question_key and position).
DELETE FROM assessment_options WHERE attempt_key IN (SELECT attempt_key FROM staging_assessments);

INSERT INTO assessment_options (question_key, attempt_key, position, option_id, checked, correct, submitted, clicked_at)
SELECT question_key, attempt_key, position, option_id, checked, correct, submitted, clicked_at
FROM (
    SELECT o.*, ROW_NUMBER() OVER (PARTITION BY question_key, position ORDER BY option_id) AS copy_number
    FROM staging_assessment_options AS o
) AS ranked
WHERE copy_number = 1;
