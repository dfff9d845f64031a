-- Is our campaign working right now? Sessions, page views and bounce rate per campaign since --since (default: the last hour).
SELECT
  COALESCE(campaign_source, '') AS source,
  COALESCE(campaign_medium, '') AS medium,
  COALESCE(campaign_name, '') AS campaign,
  COUNT(*) AS sessions,
  COUNT(DISTINCT party_id) AS visitors,
  CAST(SUM(page_views) AS BIGINT) AS page_views,
  ROUND(100.0 * SUM(CASE WHEN page_views <= 1 THEN 1 ELSE 0 END) / COUNT(*), 1) AS bounce_pct
FROM sessions
WHERE started_at >= {{since}} AND started_at < {{until}} AND {{filter}}
  AND (campaign_source IS NOT NULL OR campaign_medium IS NOT NULL OR campaign_name IS NOT NULL)
GROUP BY 1, 2, 3
ORDER BY sessions DESC
LIMIT 50
