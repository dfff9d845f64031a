-- Bots and crawlers: events and page views per bot name, counted apart from people (every other query leaves them out).
SELECT bot, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(page_views) AS BIGINT) AS page_views
FROM bots_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{site_filter}}
GROUP BY bot
ORDER BY events DESC
LIMIT 50
