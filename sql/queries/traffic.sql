-- Traffic per hour: events, page views, unique sessions and visitors.
SELECT
  t.hour,
  t.events,
  t.page_views,
  (SELECT COUNT(*) FROM hourly_sessions s WHERE s.hour = t.hour) AS sessions,
  (SELECT COUNT(*) FROM hourly_visitors v WHERE v.hour = t.hour) AS visitors
FROM traffic_hourly t
WHERE t.hour >= {{since}} AND t.hour < {{until}}
ORDER BY t.hour
