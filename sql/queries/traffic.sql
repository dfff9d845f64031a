-- Traffic per hour: events, page views, unique sessions and visitors.
SELECT
  t.hour,
  CAST(SUM(t.events) AS BIGINT) AS events,
  CAST(SUM(t.page_views) AS BIGINT) AS page_views,
  (SELECT COUNT(DISTINCT s.session_id) FROM hourly_sessions s WHERE s.hour = t.hour AND {{filter:s}}) AS sessions,
  (SELECT COUNT(DISTINCT v.party_id) FROM hourly_visitors v WHERE v.hour = t.hour AND {{filter:v}}) AS visitors
FROM traffic_hourly t
WHERE t.hour >= {{since}} AND t.hour < {{until}} AND {{filter:t}}
GROUP BY t.hour
ORDER BY t.hour
