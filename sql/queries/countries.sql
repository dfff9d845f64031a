-- Countries: events and page views per visitor country.
SELECT country, SUM(events) AS events, SUM(page_views) AS page_views
FROM countries_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE)
GROUP BY country
ORDER BY events DESC
LIMIT 50
