-- The 10 exams taken least often, with their number of attempts.
--
-- Reads assessments. Each attempt counts once: a keen_id loaded in several differing versions counts
-- by its first version, the row whose attempt_key is the keen_id itself. Ties go by exam name.
-- Only exams taken at least once are in the data, so none shows 0 attempts.
SELECT
    exam_name,
    COUNT(*) AS attempts
FROM assessments
WHERE attempt_key = keen_id
GROUP BY exam_name
ORDER BY attempts ASC, exam_name
LIMIT 10;
