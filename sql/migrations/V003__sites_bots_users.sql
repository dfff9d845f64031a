-- Sites, bots and users: the contract's `site` (tracker data-site, Snowplow aid) on the raw events, and
-- every aggregate split by site and by bot, so queries count people by default (bots apart, in
-- bots_daily too) and can be filtered by site. Rows written before hold site '' and is_bot FALSE.

ALTER TABLE events ADD COLUMN site VARCHAR(512);

ALTER TABLE traffic_hourly ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE traffic_hourly ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE page_views_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE page_views_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE referrers_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE referrers_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE campaigns_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE campaigns_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE devices_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE devices_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE countries_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE countries_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE custom_events_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE custom_events_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE brands_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE brands_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE http_status_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE http_status_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE session_action_urls ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE session_action_urls ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE hourly_sessions ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE hourly_sessions ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE hourly_visitors ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE hourly_visitors ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE page_visitors_daily ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE page_visitors_daily ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE ip_sessions ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE ip_sessions ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE visitors ADD COLUMN site VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN is_bot BOOLEAN NOT NULL DEFAULT FALSE;

-- Identity: every visitor (party) id each known user (tracker identify(), Snowplow uid) was seen with.
CREATE TABLE IF NOT EXISTS user_parties (
  user_id VARCHAR(1024) NOT NULL,
  party_id VARCHAR(512) NOT NULL,
  site VARCHAR(512) NOT NULL,
  is_bot BOOLEAN NOT NULL
)
DISTKEY (user_id)
SORTKEY (user_id);

-- Bot traffic by name (the product token that says it is a bot), per day and site.
CREATE TABLE IF NOT EXISTS bots_daily (
  day DATE NOT NULL,
  site VARCHAR(512) NOT NULL,
  bot VARCHAR(1024) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);
