-- The average score of each exam, as a percentage of questions answered correctly, with its attempts.
--
-- Reads assessments. An attempt's score is 100 * correct / total from its counts (sequences.counts).
-- Attempts without counts, or with a total of 0, have no score: they are in attempts but not in
-- scored_attempts, nor in the average. Each attempt counts once: a keen_id loaded in several differing
-- versions counts by its first version (attempt_key = keen_id). Best average first, then by name.
WITH scores AS (
    SELECT
        exam_name,
        CASE WHEN total > 0 THEN CAST(correct AS DOUBLE PRECISION) * 100 / total END AS score
    FROM assessments
    WHERE attempt_key = keen_id
)
SELECT
    exam_name,
    COUNT(*)             AS attempts,
    COUNT(score)         AS scored_attempts,
    ROUND(AVG(score), 1) AS average_score_pct
FROM scores
GROUP BY exam_name
ORDER BY average_score_pct DESC NULLS LAST, exam_name;
