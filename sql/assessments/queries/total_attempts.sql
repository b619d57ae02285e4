-- How many assessment attempts the data holds, each attempt (keen_id) counted once.
--
-- Reads assessments. The transform loads a document repeated byte for byte only once; a keen_id
-- loaded in several differing versions (attempt_key keen_id~2, keen_id~3, …) is still one attempt.
SELECT COUNT(DISTINCT keen_id) AS total_attempts
FROM assessments;
