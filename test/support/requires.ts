/**
 * `describe` for suites that need a tool installed on the machine (Chromium, a PostgreSQL
 * server). Without it (a fresh machine after only `npm ci`) the suite is skipped with a notice
 * naming how to install it; CI sets the `require` variable (REQUIRE_BROWSER=1, REQUIRE_POSTGRES=1),
 * which turns a missing tool into a failure instead, so those tests cannot silently stop running there.
 */
export function describeIf(name: string, need: { present: boolean; missing: string; require: string }, fn: () => void): void {
  if (need.present) return describe(name, fn);
  if (process.env[need.require] === '1') {
    describe(name, () =>
      it('needs a tool CI installs', () => {
        throw new Error(need.missing);
      }),
    );
    return;
  }
  process.stderr.write(`skipping "${name}": ${need.missing} (or bash .ci/run)\n`);
  describe.skip(name, fn);
}
