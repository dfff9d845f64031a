-- Visitor profiles: first and last page of each recent visitor, with their events and page views.
SELECT party_id, first_seen_at, last_seen_at, events, page_views, first_page, last_page
FROM visitors
WHERE last_seen_at >= {{since}} AND {{filter}}
ORDER BY last_seen_at DESC
LIMIT 50
