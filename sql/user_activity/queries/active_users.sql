-- Current users active within the two days up to the last reports run, and those who were not.
SELECT CASE WHEN is_active THEN 'active' ELSE 'inactive' END AS activity, COUNT(*) AS users
FROM user_report
GROUP BY 1
ORDER BY 1;
