-- Views per session per action per URL (StreamSets): the busiest session/action/URL combinations.
SELECT session_id, action, url, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(views) AS BIGINT) AS views
FROM session_action_urls
WHERE {{filter}}
GROUP BY session_id, action, url
ORDER BY views DESC, events DESC, session_id, action, url
LIMIT 50
