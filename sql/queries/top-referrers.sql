-- Top referrers today: page views arriving from outside the site, by referring host and medium.
SELECT referrer_medium AS medium, referrer_host AS referrer, CAST(SUM(page_views) AS BIGINT) AS page_views
FROM referrers_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY referrer_medium, referrer_host
ORDER BY page_views DESC
LIMIT 25
