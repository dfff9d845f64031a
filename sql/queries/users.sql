-- Known users against anonymous visitors since --since: visitors seen, those with a user id (identify(), Snowplow uid), and the distinct users behind them.
SELECT
  COUNT(DISTINCT v.party_id) AS visitors,
  COUNT(DISTINCT u.party_id) AS identified_visitors,
  COUNT(DISTINCT u.user_id) AS users,
  COUNT(DISTINCT v.party_id) - COUNT(DISTINCT u.party_id) AS anonymous_visitors
FROM hourly_visitors v
LEFT JOIN user_parties u ON u.party_id = v.party_id AND {{filter:u}}
WHERE v.hour >= {{since}} AND v.hour < {{until}} AND {{filter:v}}
