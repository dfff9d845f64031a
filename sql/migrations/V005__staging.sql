-- Staging tables, one per aggregate table (lambda/aggregator/stage.ts renders this DDL; a test
-- keeps the two equal). Local mode loads each batch's pre-aggregated rows here with COPY and
-- merges them set-based. On Redshift each batch COPYs its rows from S3 into temporary tables of
-- its own session instead (lambda/aggregator/load.ts), so these tables stay empty there.

CREATE TABLE IF NOT EXISTS stage_seen_events (
  writer VARCHAR(128),
  event_id VARCHAR(65535),
  day DATE
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_traffic_hourly (
  writer VARCHAR(128),
  hour TIMESTAMP,
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_page_views_daily (
  writer VARCHAR(128),
  day DATE,
  host VARCHAR(65535),
  path VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_referrers_daily (
  writer VARCHAR(128),
  day DATE,
  referrer_host VARCHAR(65535),
  referrer_medium VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_campaigns_daily (
  writer VARCHAR(128),
  day DATE,
  source VARCHAR(65535),
  medium VARCHAR(65535),
  name VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_devices_daily (
  writer VARCHAR(128),
  day DATE,
  device_type VARCHAR(65535),
  browser VARCHAR(65535),
  os VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_countries_daily (
  writer VARCHAR(128),
  day DATE,
  country VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_custom_events_daily (
  writer VARCHAR(128),
  day DATE,
  event_type VARCHAR(65535),
  event_name VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_brands_daily (
  writer VARCHAR(128),
  day DATE,
  brand VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  views BIGINT,
  purchases BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_http_status_daily (
  writer VARCHAR(128),
  day DATE,
  http_status INTEGER,
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_session_action_urls (
  writer VARCHAR(128),
  session_id VARCHAR(65535),
  action VARCHAR(65535),
  url VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  events BIGINT,
  views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_hourly_sessions (
  writer VARCHAR(128),
  hour TIMESTAMP,
  session_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_hourly_visitors (
  writer VARCHAR(128),
  hour TIMESTAMP,
  party_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_page_visitors_daily (
  writer VARCHAR(128),
  day DATE,
  host VARCHAR(65535),
  path VARCHAR(65535),
  party_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_ip_sessions (
  writer VARCHAR(128),
  client_ip VARCHAR(65535),
  session_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_user_parties (
  writer VARCHAR(128),
  user_id VARCHAR(65535),
  party_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_bots_daily (
  writer VARCHAR(128),
  day DATE,
  site VARCHAR(65535),
  bot VARCHAR(65535),
  events BIGINT,
  page_views BIGINT
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_sessions (
  writer VARCHAR(128),
  session_id VARCHAR(65535),
  events BIGINT,
  page_views BIGINT,
  started_at TIMESTAMP,
  first_event_id VARCHAR(65535),
  party_id VARCHAR(65535),
  referrer_host VARCHAR(65535),
  referrer_medium VARCHAR(65535),
  campaign_source VARCHAR(65535),
  campaign_medium VARCHAR(65535),
  campaign_name VARCHAR(65535),
  device_type VARCHAR(65535),
  browser VARCHAR(65535),
  os VARCHAR(65535),
  country VARCHAR(65535),
  client_ip VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  ended_at TIMESTAMP,
  last_event_id VARCHAR(65535),
  entry_at TIMESTAMP,
  entry_event_id VARCHAR(65535),
  entry_page VARCHAR(65535),
  exit_at TIMESTAMP,
  exit_event_id VARCHAR(65535),
  exit_page VARCHAR(65535)
)
DISTSTYLE EVEN;

CREATE TABLE IF NOT EXISTS stage_visitors (
  writer VARCHAR(128),
  party_id VARCHAR(65535),
  events BIGINT,
  page_views BIGINT,
  first_seen_at TIMESTAMP,
  first_event_id VARCHAR(65535),
  site VARCHAR(65535),
  is_bot BOOLEAN,
  last_seen_at TIMESTAMP,
  last_event_id VARCHAR(65535),
  first_page_at TIMESTAMP,
  first_page_event_id VARCHAR(65535),
  first_page VARCHAR(65535),
  last_page_at TIMESTAMP,
  last_page_event_id VARCHAR(65535),
  last_page VARCHAR(65535)
)
DISTSTYLE EVEN;
