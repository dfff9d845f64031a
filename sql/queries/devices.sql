-- Devices: events and page views per device type, browser and operating system.
SELECT device_type, browser, os, CAST(SUM(events) AS BIGINT) AS events, CAST(SUM(page_views) AS BIGINT) AS page_views
FROM devices_daily
WHERE day >= CAST({{since}} AS DATE) AND day <= CAST({{until}} AS DATE) AND {{filter}}
GROUP BY device_type, browser, os
ORDER BY events DESC
LIMIT 25
