-- Entry and exit pages: where sessions since --since began and ended.
SELECT page, CAST(SUM(entries) AS BIGINT) AS entries, CAST(SUM(exits) AS BIGINT) AS exits
FROM (
  SELECT entry_page AS page, 1 AS entries, 0 AS exits FROM sessions
  WHERE started_at >= {{since}} AND started_at < {{until}} AND entry_page IS NOT NULL AND {{filter}}
  UNION ALL
  SELECT exit_page AS page, 0 AS entries, 1 AS exits FROM sessions
  WHERE started_at >= {{since}} AND started_at < {{until}} AND exit_page IS NOT NULL AND {{filter}}
) pages
GROUP BY page
ORDER BY entries DESC, exits DESC
LIMIT 25
