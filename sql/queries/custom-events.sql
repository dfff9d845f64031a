-- Custom events: clicks, forms, media, downloads and signals per type and name.
SELECT event_type, event_name, CAST(SUM(events) AS BIGINT) AS events
FROM custom_events_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY event_type, event_name
ORDER BY events DESC
LIMIT 50
