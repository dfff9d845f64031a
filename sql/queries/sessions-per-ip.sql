-- Sessions per client IP (StreamSets): the addresses with the most sessions.
SELECT client_ip, COUNT(DISTINCT session_id) AS sessions
FROM ip_sessions
WHERE {{filter}}
GROUP BY client_ip
ORDER BY sessions DESC, client_ip
LIMIT 50
