/**
 * V8 settings for the stream processors, passed as NODE_OPTIONS (the benchmark runs the
 * aggregator core with the same ones). A batch's decoded events and aggregate rows live until
 * the batch is written, so with V8's default 16 MiB semi-space scavenges copy many of them
 * before promotion; 64 MiB leaves them in place longer. `npm run bench` prints the core with and
 * without it (about 8 % apart on the development machine). Fits the 1024 MB functions.
 */
export const PROCESSOR_V8_FLAGS = ['--max-semi-space-size=64'] as const;
