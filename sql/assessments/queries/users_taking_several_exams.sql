-- Users who took several exams, as close as the data allows: user_exam_ids seen with several exams.
--
-- Reads assessments. The data has no user field. The closest key, user_exam_id, names one user's
-- sitting of one exam rather than the user: in the real file every unique attempt has its own
-- user_exam_id (a public write-up of it counted 3,242 distinct user_exam_ids for 3,242 unique
-- attempts), and the generated data keeps one user_exam_id per user and exam, across retakes.
-- base_exam_id names the exam. Either way no key links one person's different exams, so the
-- question cannot be answered exactly; this query gives what the keys support:
--   users_taking_several_exams  user_exam_ids seen with more than one base_exam_id (0 while the key
--                               is per exam; more would mean it does follow users across exams)
--   user_exam_ids               distinct user_exam_ids, i.e. user-and-exam pairs
--   retaken_user_exam_ids       user_exam_ids with more than one attempt (one exam taken again)
--   most_attempts               the most attempts under one user_exam_id
-- Each attempt counts once: a keen_id loaded in several differing versions counts by its first
-- version (attempt_key = keen_id).
WITH per_user_exam AS (
    SELECT
        user_exam_id,
        COUNT(DISTINCT base_exam_id) AS exams,
        COUNT(*)                     AS attempts
    FROM assessments
    WHERE attempt_key = keen_id
    GROUP BY user_exam_id
)
SELECT
    SUM(CASE WHEN exams > 1 THEN 1 ELSE 0 END)    AS users_taking_several_exams,
    COUNT(*)                                      AS user_exam_ids,
    SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END) AS retaken_user_exam_ids,
    MAX(attempts)                                 AS most_attempts
FROM per_user_exam;
