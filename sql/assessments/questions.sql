-- assessment_questions: the questions of the attempts this run flattened, replacing theirs (one
-- row per question_key; an attempt staged twice keeps one copy of each question).
DELETE FROM assessment_questions WHERE attempt_key IN (SELECT attempt_key FROM staging_assessments);

INSERT INTO assessment_questions (attempt_key, question_key, position, question_id, user_correct, user_incomplete,
                                  user_submitted, user_result, option_count)
SELECT attempt_key, question_key, position, question_id, user_correct, user_incomplete,
       user_submitted, user_result, option_count
FROM (
    SELECT q.*, ROW_NUMBER() OVER (PARTITION BY question_key ORDER BY question_id) AS copy_number
    FROM staging_assessment_questions AS q
) AS ranked
WHERE copy_number = 1;
