-- How many different exams were taken.
--
-- Reads assessments. An exam is an exam_name, the title analysts know it by; base_exam_id, the
-- exam's id, is counted alongside so that a title shared by several exam ids shows.
SELECT
    COUNT(DISTINCT exam_name)    AS distinct_exams,
    COUNT(DISTINCT base_exam_id) AS distinct_base_exam_ids
FROM assessments;
