-- How many attempts scored in each 10-point band (0-9 … 90-100) of correct answers over questions, where a total is known.
SELECT LEAST(FLOOR(100.0 * correct / total / 10) * 10, 90) AS score_band, COUNT(*) AS attempts
FROM assessments
WHERE total > 0 AND correct IS NOT NULL AND attempt_key = keen_id
GROUP BY 1
ORDER BY 1;
