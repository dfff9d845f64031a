/**
 * Collector counters: served as Prometheus text on /metrics and, when configured, printed as
 * CloudWatch embedded-metric-format lines so Fargate logs become metrics without an agent.
 */

// Sink latency buckets in milliseconds (upper bounds).
const BUCKETS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000, Infinity];

/** Running counts since start, plus a latency histogram of sink writes. */
export class Metrics {
  accepted = 0;
  rejected = 0;
  unavailable = 0;
  buffered = 0;
  private readonly latency = new Array<number>(BUCKETS.length).fill(0);
  private latencyCount = 0;
  private latencySum = 0;

  /** Records how long one sink write took. */
  observeSink(ms: number): void {
    this.latency[BUCKETS.findIndex((b) => ms <= b)]++;
    this.latencyCount++;
    this.latencySum += ms;
  }

  /** Upper bound of the bucket holding quantile `q` of sink latencies. */
  sinkQuantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < BUCKETS.length; i++) {
      seen += this.latency[i];
      if (seen >= q * this.latencyCount && this.latencyCount > 0) return BUCKETS[i];
    }
    return 0;
  }

  /** Prometheus text exposition. */
  prometheus(): string {
    const lines = [
      '# TYPE clickstream_events_accepted_total counter',
      `clickstream_events_accepted_total ${this.accepted}`,
      '# TYPE clickstream_events_rejected_total counter',
      `clickstream_events_rejected_total ${this.rejected}`,
      '# TYPE clickstream_requests_unavailable_total counter',
      `clickstream_requests_unavailable_total ${this.unavailable}`,
      '# TYPE clickstream_events_buffered gauge',
      `clickstream_events_buffered ${this.buffered}`,
      '# TYPE clickstream_sink_latency_ms histogram',
    ];
    let cumulative = 0;
    BUCKETS.forEach((b, i) => {
      cumulative += this.latency[i];
      lines.push(`clickstream_sink_latency_ms_bucket{le="${b === Infinity ? '+Inf' : b}"} ${cumulative}`);
    });
    lines.push(`clickstream_sink_latency_ms_sum ${this.latencySum}`, `clickstream_sink_latency_ms_count ${this.latencyCount}`);
    return `${lines.join('\n')}\n`;
  }

  /** One CloudWatch EMF record with the counts since the previous call. */
  emf(previous: { accepted: number; rejected: number; unavailable: number }, now = Date.now()): string {
    return JSON.stringify({
      _aws: {
        Timestamp: now,
        CloudWatchMetrics: [
          {
            Namespace: 'Clickstream/Collector',
            Dimensions: [[]],
            Metrics: [
              { Name: 'EventsAccepted', Unit: 'Count' },
              { Name: 'EventsRejected', Unit: 'Count' },
              { Name: 'RequestsUnavailable', Unit: 'Count' },
              { Name: 'EventsBuffered', Unit: 'Count' },
              { Name: 'SinkLatencyP99', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      EventsAccepted: this.accepted - previous.accepted,
      EventsRejected: this.rejected - previous.rejected,
      RequestsUnavailable: this.unavailable - previous.unavailable,
      EventsBuffered: this.buffered,
      SinkLatencyP99: this.sinkQuantile(0.99),
    });
  }
}
