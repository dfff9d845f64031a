-- Browser mix this week against last week: share of page views per browser.
SELECT
  browser,
  SUM(CASE WHEN day >= CAST({{since}} AS DATE) THEN page_views ELSE 0 END) AS this_week,
  SUM(CASE WHEN day < CAST({{since}} AS DATE) THEN page_views ELSE 0 END) AS last_week
FROM devices_daily
WHERE day >= CAST({{since_last_week}} AS DATE) AND day <= CAST({{until}} AS DATE)
GROUP BY browser
ORDER BY this_week DESC
