-- Brand analysis (StreamSets): events, views and purchases per brand.
SELECT brand, SUM(events) AS events, SUM(views) AS views, SUM(purchases) AS purchases
FROM brands_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE)
GROUP BY brand
ORDER BY events DESC
