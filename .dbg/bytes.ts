import { planStatements } from '../lambda/aggregator/apply';
import { decodeMskEvent, toMskEvent } from '../lambda/shared/msk-event';
import { distinctCopies, streamsetsEvents } from '../test/support/datasets';
import { toLog } from '../test/support/warehouse';
const log = toLog(distinctCopies(streamsetsEvents(), 1)).filter((r) => r.partition === 0).slice(0, 5000);
const plan = planStatements('clickstream', decodeMskEvent(toMskEvent(log), 'x'), new Date());
const by: Record<string, number> = {};
for (const s of plan.statements) { const t = /(?:INTO|FROM) (\w+)/.exec(s)![1]; by[t] = (by[t] ?? 0) + s.length; }
console.log(plan.statements.length, Object.entries(by).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}K`).join(', '));
console.log('value bytes avg', log.reduce((n, r) => n + r.value.length, 0) / log.length);
