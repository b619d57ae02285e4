-- The average number of questions per attempt of each exam, with the fewest and the most.
--
-- Reads assessments and assessment_questions (both distributed on attempt_key, so the join stays on
-- each slice). An attempt without sequences or with an empty question list has no question rows and
-- counts as an attempt of 0 questions. Each attempt counts once: a keen_id loaded in several differing
-- versions counts by its first version (attempt_key = keen_id). Ordered by exam name.
WITH questions_per_attempt AS (
    SELECT
        a.exam_name,
        a.attempt_key,
        COUNT(q.question_key) AS questions
    FROM assessments AS a
    LEFT JOIN assessment_questions AS q ON q.attempt_key = a.attempt_key
    WHERE a.attempt_key = a.keen_id
    GROUP BY a.exam_name, a.attempt_key
)
SELECT
    exam_name,
    COUNT(*)                                           AS attempts,
    ROUND(AVG(CAST(questions AS DOUBLE PRECISION)), 2) AS average_questions,
    MIN(questions)                                     AS fewest_questions,
    MAX(questions)                                     AS most_questions
FROM questions_per_attempt
GROUP BY exam_name
ORDER BY exam_name;
