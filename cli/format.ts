/** Query results as a table, CSV or JSON. */
import type { Row } from '../warehouse/executor';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const text = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));

/** Renders rows; the table pads columns and right-aligns numbers. */
export function formatRows(rows: Row[], format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  if (format === 'csv') {
    const cell = (v: unknown) => {
      const s = text(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
  }
  if (rows.length === 0) return '(no rows)\n';
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const numeric = columns.map((_, i) => cells.every((row) => row[i] === '' || /^-?\d+(\.\d+)?$/.test(row[i])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const fit = (s: string, i: number) => {
    const cut = s.length > widths[i] ? `${s.slice(0, widths[i] - 1)}…` : s;
    return numeric[i] ? cut.padStart(widths[i]) : cut.padEnd(widths[i]);
  };
  const line = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [columns.map(fit).join(' │ '), line, ...cells.map((row) => row.map(fit).join(' │ '))].join('\n') + '\n';
}
