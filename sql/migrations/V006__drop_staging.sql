-- V005's staging tables are no longer used: local mode stages each batch's rows in temporary
-- tables of its own session, emptied at every commit (lambda/aggregator/stage.ts), and Redshift
-- never used them (it COPYs from S3 into temporary tables, lambda/aggregator/load.ts).

DROP TABLE IF EXISTS stage_seen_events;
DROP TABLE IF EXISTS stage_traffic_hourly;
DROP TABLE IF EXISTS stage_page_views_daily;
DROP TABLE IF EXISTS stage_referrers_daily;
DROP TABLE IF EXISTS stage_campaigns_daily;
DROP TABLE IF EXISTS stage_devices_daily;
DROP TABLE IF EXISTS stage_countries_daily;
DROP TABLE IF EXISTS stage_custom_events_daily;
DROP TABLE IF EXISTS stage_brands_daily;
DROP TABLE IF EXISTS stage_http_status_daily;
DROP TABLE IF EXISTS stage_session_action_urls;
DROP TABLE IF EXISTS stage_hourly_sessions;
DROP TABLE IF EXISTS stage_hourly_visitors;
DROP TABLE IF EXISTS stage_page_visitors_daily;
DROP TABLE IF EXISTS stage_ip_sessions;
DROP TABLE IF EXISTS stage_user_parties;
DROP TABLE IF EXISTS stage_bots_daily;
DROP TABLE IF EXISTS stage_sessions;
DROP TABLE IF EXISTS stage_visitors;
