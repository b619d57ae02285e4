-- The user_total rows: current users and users added, run after run.
SELECT time_ran, total_users, users_added
FROM user_total
ORDER BY time_ran;
