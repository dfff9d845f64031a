-- Brand analysis (StreamSets): events, views and purchases per brand.
SELECT brand, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(views) AS BIGINT) AS views, CAST(SUM(purchases) AS BIGINT) AS purchases
FROM brands_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY brand
ORDER BY events DESC
