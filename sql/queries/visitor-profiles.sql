-- Visitor profiles: first and last page of each recent visitor, with their events and page views, and the user id they were identified as (a user seen on several devices has a row per visitor id).
SELECT u.user_id, v.party_id, v.first_seen_at, v.last_seen_at, v.events, v.page_views, v.first_page, v.last_page
FROM visitors v
LEFT JOIN (SELECT party_id, MIN(user_id) AS user_id FROM user_parties GROUP BY party_id) u ON u.party_id = v.party_id
WHERE v.last_seen_at >= {{since}} AND {{filter:v}}
ORDER BY v.last_seen_at DESC
LIMIT 50
