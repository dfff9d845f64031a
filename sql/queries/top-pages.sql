-- Top pages: views, unique visitors, entries and exits since --since (default: today).
SELECT
  p.host,
  p.path,
  CAST(SUM(p.views) AS BIGINT) AS views,
  (SELECT COUNT(DISTINCT v.party_id) FROM page_visitors_daily v
    WHERE v.host = p.host AND v.path = p.path AND v.day >= CAST({{since}} AS DATE) AND v.day <= CAST({{until}} AS DATE) AND {{filter:v}}) AS visitors
FROM page_views_daily p
WHERE p.day >= CAST({{since}} AS DATE) AND p.day <= CAST({{until}} AS DATE) AND {{filter:p}}
GROUP BY p.host, p.path
ORDER BY views DESC
LIMIT 25
