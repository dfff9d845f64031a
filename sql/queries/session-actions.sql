-- Views per session per action per URL (StreamSets): the busiest session/action/URL combinations.
SELECT session_id, action, url, events, views
FROM session_action_urls
ORDER BY views DESC, events DESC, session_id, action, url
LIMIT 50
