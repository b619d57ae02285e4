-- The number of events of each type in each hour (UTC) of arrival, oldest hour first.
--
-- Reads every event table. event_ts is the collector's arrival time; hours without events are absent.
WITH events AS (
    SELECT event_ts, event_type FROM page_view
    UNION ALL SELECT event_ts, event_type FROM purchase_sword
    UNION ALL SELECT event_ts, event_type FROM join_guild
    UNION ALL SELECT event_ts, event_type FROM kill_enemy
    UNION ALL SELECT event_ts, event_type FROM take_damage
    UNION ALL SELECT event_ts, event_type FROM accept_quest
    UNION ALL SELECT event_ts, event_type FROM store_transaction
)
SELECT
    DATE_TRUNC('hour', event_ts) AS event_hour,
    event_type,
    COUNT(*)                     AS events
FROM events
GROUP BY DATE_TRUNC('hour', event_ts), event_type
ORDER BY event_hour, event_type;
