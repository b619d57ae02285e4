-- user_total: this run's row — its time, the current users, and the users present now whose id
-- no earlier run saw (the first run counts them all) — then remember the ids seen. Replaces the
-- run's own row, so a retried step does not append twice.
DELETE FROM user_total WHERE run_id = (SELECT run_id FROM run_context);

INSERT INTO user_total (run_id, time_ran, total_users, users_added)
SELECT c.run_id,
       c.run_time,
       (SELECT COUNT(*) FROM users),
       (SELECT COUNT(*) FROM users AS u
        WHERE NOT EXISTS (SELECT 1 FROM user_known_ids AS k WHERE k.user_id = u.user_id))
FROM run_context AS c;

INSERT INTO user_known_ids (user_id)
SELECT u.user_id
FROM users AS u
WHERE NOT EXISTS (SELECT 1 FROM user_known_ids AS k WHERE k.user_id = u.user_id);
