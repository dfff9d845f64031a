-- Countries: events and page views per visitor country.
SELECT country, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(page_views) AS BIGINT) AS page_views
FROM countries_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY country
ORDER BY events DESC
LIMIT 50
