-- Aggregate tables maintained by the aggregator (lambda/aggregator), exactly once per Kafka offset.
-- Redshift SQL. Key columns are NOT NULL with '' for "unknown" so MERGE keys always match.
-- Counter tables are added to; membership tables hold one row per distinct member and make
-- unique counts exact across batches; sessions and visitors keep first/last values chosen by
-- (time, event id), so the result does not depend on how events were split into batches.

-- Per-partition progress: the next Kafka offset to apply, written in the same transaction as the aggregates.
CREATE TABLE IF NOT EXISTS stream_offsets (
  topic VARCHAR(256) NOT NULL,
  kafka_partition INTEGER NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
)
DISTSTYLE ALL;

-- Event ids already applied: a client's retry or a repeated import line is counted once.
CREATE TABLE IF NOT EXISTS seen_events (
  event_id CHAR(36) NOT NULL,
  day DATE NOT NULL
)
DISTKEY (event_id)
SORTKEY (event_id);

-- Counters --------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS traffic_hourly (
  hour TIMESTAMP NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (hour);

CREATE TABLE IF NOT EXISTS page_views_daily (
  day DATE NOT NULL,
  host VARCHAR(1024) NOT NULL,
  path VARCHAR(16384) NOT NULL,
  views BIGINT NOT NULL
)
DISTKEY (path)
SORTKEY (day);

CREATE TABLE IF NOT EXISTS referrers_daily (
  day DATE NOT NULL,
  referrer_host VARCHAR(1024) NOT NULL,
  referrer_medium VARCHAR(32) NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS campaigns_daily (
  day DATE NOT NULL,
  source VARCHAR(1024) NOT NULL,
  medium VARCHAR(1024) NOT NULL,
  name VARCHAR(1024) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS devices_daily (
  day DATE NOT NULL,
  device_type VARCHAR(32) NOT NULL,
  browser VARCHAR(1024) NOT NULL,
  os VARCHAR(1024) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS countries_daily (
  day DATE NOT NULL,
  country VARCHAR(8) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS custom_events_daily (
  day DATE NOT NULL,
  event_type VARCHAR(32) NOT NULL,
  event_name VARCHAR(1024) NOT NULL,
  events BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS brands_daily (
  day DATE NOT NULL,
  brand VARCHAR(1024) NOT NULL,
  events BIGINT NOT NULL,
  views BIGINT NOT NULL,
  purchases BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

CREATE TABLE IF NOT EXISTS http_status_daily (
  day DATE NOT NULL,
  http_status INTEGER NOT NULL,
  events BIGINT NOT NULL
)
DISTSTYLE ALL
SORTKEY (day);

-- StreamSets: views per session per action per URL.
CREATE TABLE IF NOT EXISTS session_action_urls (
  session_id VARCHAR(512) NOT NULL,
  action VARCHAR(256) NOT NULL,
  url VARCHAR(16384) NOT NULL,
  events BIGINT NOT NULL,
  views BIGINT NOT NULL
)
DISTKEY (session_id)
SORTKEY (session_id);

-- Memberships: one row per distinct member, for exact unique counts --------------------------

CREATE TABLE IF NOT EXISTS hourly_sessions (
  hour TIMESTAMP NOT NULL,
  session_id VARCHAR(512) NOT NULL
)
DISTKEY (session_id)
SORTKEY (hour);

CREATE TABLE IF NOT EXISTS hourly_visitors (
  hour TIMESTAMP NOT NULL,
  party_id VARCHAR(512) NOT NULL
)
DISTKEY (party_id)
SORTKEY (hour);

CREATE TABLE IF NOT EXISTS page_visitors_daily (
  day DATE NOT NULL,
  host VARCHAR(1024) NOT NULL,
  path VARCHAR(16384) NOT NULL,
  party_id VARCHAR(512) NOT NULL
)
DISTKEY (party_id)
SORTKEY (day);

-- StreamSets: which sessions each client IP had.
CREATE TABLE IF NOT EXISTS ip_sessions (
  client_ip VARCHAR(256) NOT NULL,
  session_id VARCHAR(512) NOT NULL
)
DISTKEY (client_ip)
SORTKEY (client_ip);

-- State kept across batches --------------------------------------------------------------

CREATE TABLE IF NOT EXISTS sessions (
  session_id VARCHAR(512) NOT NULL,
  party_id VARCHAR(512) NOT NULL,
  started_at TIMESTAMP NOT NULL,
  first_event_id CHAR(36) NOT NULL,
  ended_at TIMESTAMP NOT NULL,
  last_event_id CHAR(36) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL,
  entry_at TIMESTAMP,
  entry_event_id CHAR(36),
  entry_page VARCHAR(16384),
  exit_at TIMESTAMP,
  exit_event_id CHAR(36),
  exit_page VARCHAR(16384),
  referrer_host VARCHAR(1024),
  referrer_medium VARCHAR(32),
  campaign_source VARCHAR(1024),
  campaign_medium VARCHAR(1024),
  campaign_name VARCHAR(1024),
  device_type VARCHAR(32),
  browser VARCHAR(1024),
  os VARCHAR(1024),
  country VARCHAR(8),
  client_ip VARCHAR(256)
)
DISTKEY (session_id)
SORTKEY (started_at);

CREATE TABLE IF NOT EXISTS visitors (
  party_id VARCHAR(512) NOT NULL,
  first_seen_at TIMESTAMP NOT NULL,
  first_event_id CHAR(36) NOT NULL,
  last_seen_at TIMESTAMP NOT NULL,
  last_event_id CHAR(36) NOT NULL,
  events BIGINT NOT NULL,
  page_views BIGINT NOT NULL,
  first_page_at TIMESTAMP,
  first_page_event_id CHAR(36),
  first_page VARCHAR(16384),
  last_page_at TIMESTAMP,
  last_page_event_id CHAR(36),
  last_page VARCHAR(16384)
)
DISTKEY (party_id)
SORTKEY (party_id);
