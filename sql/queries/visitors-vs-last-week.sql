-- More visitors than this time last week? Unique visitors and sessions in the window, and in the same window seven days earlier.
SELECT
  'this week' AS period,
  (SELECT COUNT(DISTINCT party_id) FROM hourly_visitors WHERE hour >= {{since}} AND hour < {{until}} AND {{filter}}) AS visitors,
  (SELECT COUNT(DISTINCT session_id) FROM hourly_sessions WHERE hour >= {{since}} AND hour < {{until}} AND {{filter}}) AS sessions
UNION ALL
SELECT
  'last week' AS period,
  (SELECT COUNT(DISTINCT party_id) FROM hourly_visitors WHERE hour >= {{since_last_week}} AND hour < {{until_last_week}} AND {{filter}}) AS visitors,
  (SELECT COUNT(DISTINCT session_id) FROM hourly_sessions WHERE hour >= {{since_last_week}} AND hour < {{until_last_week}} AND {{filter}}) AS sessions
