-- The number of events tracked, in all and without page views (the game events proper).
--
-- Reads every event table (one per event type, see ../create_tables.sql); each row is one event.
WITH events AS (
    SELECT event_type FROM page_view
    UNION ALL SELECT event_type FROM purchase_sword
    UNION ALL SELECT event_type FROM join_guild
    UNION ALL SELECT event_type FROM kill_enemy
    UNION ALL SELECT event_type FROM take_damage
    UNION ALL SELECT event_type FROM accept_quest
    UNION ALL SELECT event_type FROM store_transaction
)
SELECT
    COUNT(*)                                              AS total_events,
    COUNT(CASE WHEN event_type <> 'page_view' THEN 1 END) AS game_events
FROM events;
