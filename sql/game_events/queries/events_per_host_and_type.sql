-- The number of events of each type sent from each host (the Host header), by host then type.
--
-- Reads every event table. A request without a Host header counts under a NULL host, listed last.
WITH events AS (
    SELECT host, event_type FROM page_view
    UNION ALL SELECT host, event_type FROM purchase_sword
    UNION ALL SELECT host, event_type FROM join_guild
    UNION ALL SELECT host, event_type FROM kill_enemy
    UNION ALL SELECT host, event_type FROM take_damage
    UNION ALL SELECT host, event_type FROM accept_quest
    UNION ALL SELECT host, event_type FROM store_transaction
)
SELECT
    host,
    event_type,
    COUNT(*) AS events
FROM events
GROUP BY host, event_type
ORDER BY host NULLS LAST, event_type;
