-- Were more swords bought than guilds joined: both counts and their difference.
--
-- Reads purchase_sword and join_guild. A positive swords_minus_guilds means more swords were bought.
SELECT
    s.swords_purchased,
    g.guilds_joined,
    s.swords_purchased - g.guilds_joined AS swords_minus_guilds
FROM (SELECT COUNT(*) AS swords_purchased FROM purchase_sword) AS s
CROSS JOIN (SELECT COUNT(*) AS guilds_joined FROM join_guild) AS g;
