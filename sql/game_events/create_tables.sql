-- game_events: one table per event type of the game API, each row one event as the collector received it.
-- Rendered from lib/pipelines/game-events/event-types.ts by renderGameEventsDdl() (derive.ts, which says how
-- to regenerate it); change the declaration, not this file: a test fails while the two differ.
-- Safe to run before every run: every table is created only if absent.

-- page_view: a hit on the default page (GET or POST /).
CREATE TABLE IF NOT EXISTS page_view (
    event_id   VARCHAR(36)    NOT NULL,
    event_type VARCHAR(32)    NOT NULL,
    event_ts   TIMESTAMP      NOT NULL SORTKEY,
    host       VARCHAR(255),
    user_agent VARCHAR(512),
    accept     VARCHAR(512),
    raw_event  VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- purchase_sword: a player bought a sword (GET or POST /purchase_a_sword).
CREATE TABLE IF NOT EXISTS purchase_sword (
    event_id   VARCHAR(36)    NOT NULL,
    event_type VARCHAR(32)    NOT NULL,
    event_ts   TIMESTAMP      NOT NULL SORTKEY,
    host       VARCHAR(255),
    user_agent VARCHAR(512),
    accept     VARCHAR(512),
    sword_type VARCHAR(64),
    sword_cost DECIMAL(12,2),
    raw_event  VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- join_guild: a player joined a guild (GET or POST /join_a_guild).
CREATE TABLE IF NOT EXISTS join_guild (
    event_id   VARCHAR(36)    NOT NULL,
    event_type VARCHAR(32)    NOT NULL,
    event_ts   TIMESTAMP      NOT NULL SORTKEY,
    host       VARCHAR(255),
    user_agent VARCHAR(512),
    accept     VARCHAR(512),
    guild_id   BIGINT         NOT NULL,
    guild_name VARCHAR(256)   NOT NULL,
    raw_event  VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- kill_enemy: a player killed an enemy (GET or POST /kill_enemy).
CREATE TABLE IF NOT EXISTS kill_enemy (
    event_id    VARCHAR(36)    NOT NULL,
    event_type  VARCHAR(32)    NOT NULL,
    event_ts    TIMESTAMP      NOT NULL SORTKEY,
    host        VARCHAR(255),
    user_agent  VARCHAR(512),
    accept      VARCHAR(512),
    enemy_id    BIGINT         NOT NULL,
    enemy_name  VARCHAR(256)   NOT NULL,
    enemy_level SMALLINT       NOT NULL,
    raw_event   VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- take_damage: an enemy dealt damage to a player (GET or POST /take_damage).
CREATE TABLE IF NOT EXISTS take_damage (
    event_id   VARCHAR(36)    NOT NULL,
    event_type VARCHAR(32)    NOT NULL,
    event_ts   TIMESTAMP      NOT NULL SORTKEY,
    host       VARCHAR(255),
    user_agent VARCHAR(512),
    accept     VARCHAR(512),
    enemy_id   BIGINT         NOT NULL,
    enemy_name VARCHAR(256)   NOT NULL,
    damage     SMALLINT       NOT NULL,
    raw_event  VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- accept_quest: a player accepted a quest from a contact (GET or POST /accept_quest).
CREATE TABLE IF NOT EXISTS accept_quest (
    event_id      VARCHAR(36)    NOT NULL,
    event_type    VARCHAR(32)    NOT NULL,
    event_ts      TIMESTAMP      NOT NULL SORTKEY,
    host          VARCHAR(255),
    user_agent    VARCHAR(512),
    accept        VARCHAR(512),
    quest_id      BIGINT         NOT NULL,
    quest_name    VARCHAR(256)   NOT NULL,
    quest_contact VARCHAR(256)   NOT NULL,
    raw_event     VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;

-- store_transaction: a player bought an item in a store (GET or POST /transaction).
CREATE TABLE IF NOT EXISTS store_transaction (
    event_id     VARCHAR(36)    NOT NULL,
    event_type   VARCHAR(32)    NOT NULL,
    event_ts     TIMESTAMP      NOT NULL SORTKEY,
    host         VARCHAR(255),
    user_agent   VARCHAR(512),
    accept       VARCHAR(512),
    store_id     BIGINT         NOT NULL,
    item_name    VARCHAR(256)   NOT NULL,
    inventory_id BIGINT         NOT NULL,
    total_cost   DECIMAL(12,2)  NOT NULL,
    category     VARCHAR(64)    NOT NULL,
    on_hand_qty  SMALLINT       NOT NULL,
    raw_event    VARCHAR(65535) NOT NULL
) DISTSTYLE AUTO;
