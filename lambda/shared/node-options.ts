/**
 * V8 settings for the stream processors, passed as NODE_OPTIONS (the benchmark runs the
 * aggregator core with the same ones). A batch's decoded events and aggregate rows live until
 * the batch is written; with V8's default 16 MiB semi-space most of them are copied by several
 * scavenges before promotion, which cost about a third of the aggregator's time. 64 MiB lets a
 * 10,000-event batch be built with far fewer copies and fits the 1024 MB functions.
 */
export const PROCESSOR_V8_FLAGS = ['--max-semi-space-size=64'] as const;
