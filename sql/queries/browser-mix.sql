-- Browser mix this week against last week: share of page views per browser.
SELECT
  browser,
  CAST(SUM(CASE WHEN day >= CAST({{since}} AS DATE) THEN page_views ELSE 0 END) AS BIGINT) AS this_week,
  CAST(SUM(CASE WHEN day < CAST({{since}} AS DATE) THEN page_views ELSE 0 END) AS BIGINT) AS last_week
FROM devices_daily
WHERE day >= CAST({{since_last_week}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY browser
ORDER BY this_week DESC
