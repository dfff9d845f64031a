-- Campaigns: events and page views per utm source, medium and campaign.
SELECT source, medium, name AS campaign, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(page_views) AS BIGINT) AS page_views
FROM campaigns_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY source, medium, name
ORDER BY page_views DESC, events DESC
LIMIT 25
