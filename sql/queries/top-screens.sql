-- Top screens of mobile apps (Snowplow's mobile trackers): screen views per screen name.
SELECT event_name AS screen, CAST(SUM(events) AS BIGINT) AS views
FROM custom_events_daily
WHERE event_type = 'screenView' AND day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY event_name
ORDER BY views DESC, screen
LIMIT 25
