-- The aggregator's writers take turns. Every partition's writer updates the same shared rows
-- (hourly and daily counters, visitors met on several partitions, the seen ids), so under
-- serializable isolation concurrent aggregate transactions abort each other and are resubmitted
-- whole. Each aggregate transaction therefore starts with LOCK aggregate_writers (Redshift's
-- documented remedy): the writers queue for a moment instead. This table holds no rows; it only
-- carries the lock, so nothing else (watermark reads, dashboards) waits on it.

CREATE TABLE IF NOT EXISTS aggregate_writers (
  writer VARCHAR(16)
)
DISTSTYLE ALL;
