-- HTTP status analysis (StreamSets, server logs): events per response status.
SELECT http_status, CAST(SUM(events) AS BIGINT) AS events
FROM http_status_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY http_status
ORDER BY events DESC
