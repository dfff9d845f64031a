// Live dashboard (local mode, or `clickstream dashboard --stack` against Redshift): polls the named
// queries and the funnel and retention analyses every few seconds for the chosen window, site and
// bots setting, and redraws.
const REFRESH_MS = 3000;
const charts = {};
const palette = ['#2f6fed', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

async function get(path) {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

function draw(id, type, labels, datasets, options = {}) {
  const data = { labels, datasets };
  if (charts[id]) {
    charts[id].data = data;
    charts[id].update('none');
    return;
  }
  charts[id] = new Chart(document.getElementById(id), {
    type,
    data,
    options: {
      animation: false,
      responsive: true,
      plugins: { legend: { display: datasets.length > 1 || type === 'doughnut' } },
      ...options,
    },
  });
}

function bars(id, rows, label, value) {
  draw(id, 'bar', rows.map(label), [{ label: 'count', data: rows.map((r) => Number(r[value])), backgroundColor: palette[0] }], {
    indexAxis: 'y',
  });
}

// Tracked values are whatever a visitor sent: they only ever reach the page as text nodes.
function table(id, rows, columns) {
  const el = document.getElementById(id);
  if (rows.length === 0) {
    const p = node('p', 'Nothing yet: click around the ');
    p.className = 'empty';
    const a = node('a', 'shop');
    a.href = '/';
    p.append(a, '.');
    el.replaceChildren(p);
    return;
  }
  const head = node('tr');
  head.append(...columns.map((c) => node('th', c)));
  const body = rows.map((r) => {
    const tr = node('tr');
    tr.append(
      ...columns.map((c) => {
        const td = node('td', String(r[c] ?? ''));
        td.title = String(r[c] ?? '');
        return td;
      }),
    );
    return tr;
  });
  const t = node('table');
  t.append(node('thead'), node('tbody'));
  t.tHead.append(head);
  t.tBodies[0].append(...body);
  el.replaceChildren(t);
}

function node(tag, text) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  return el;
}

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const el = (id) => document.getElementById(id);

/** The window, site and bots settings as query parameters every request carries. */
function settings() {
  const p = new URLSearchParams();
  const range = el('range').value;
  el('since-label').hidden = range !== 'custom';
  p.set('since', range === 'custom' ? el('since').value || '7d' : range);
  if (el('site').value !== '*') p.set('site', el('site').value);
  if (el('bots').checked) p.set('include-bots', 'true');
  return p;
}

/** Where the window starts, as the server reads `since`. */
function windowStart(since) {
  const m = /^(\d+)([hd])$/.exec(since);
  if (m) return Date.now() - Number(m[1]) * (m[2] === 'h' ? HOUR : DAY);
  return Date.parse(since);
}

const query = (name, extra = '') => get(`/api/query/${name}?${settings()}${extra}`);

/** Hourly rows summed into hourly slots (up to two days) or daily ones, zeros where nothing happened. */
function drawTraffic(rows, since) {
  const step = Date.now() - windowStart(since) > 2 * DAY ? DAY : HOUR;
  const first = Math.floor(windowStart(since) / step) * step;
  const slots = [];
  for (let t = first; t <= Date.now(); t += step) slots.push(t);
  const sums = new Map(slots.map((t) => [t, { page_views: 0, sessions: 0, visitors: 0 }]));
  for (const r of rows) {
    const slot = sums.get(Math.floor(new Date(r.hour).getTime() / step) * step);
    if (slot) for (const k of Object.keys(slot)) slot[k] += Number(r[k]);
  }
  const label = (t) =>
    step === DAY ? new Date(t).toLocaleDateString() : new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const series = (key) => slots.map((t) => sums.get(t)[key]);
  draw('traffic', 'line', slots.map(label), [
    { label: 'page views', data: series('page_views'), borderColor: palette[0], tension: 0.3 },
    { label: 'sessions', data: series('sessions'), borderColor: palette[1], tension: 0.3 },
    { label: 'visitors', data: series('visitors'), borderColor: palette[2], tension: 0.3 },
  ]);
}

/** The site list, keeping the choice. */
function drawSites(sites) {
  const select = el('site');
  const chosen = select.value;
  const options = [node('option', 'all sites'), ...sites.map((s) => node('option', s === '' ? '(no site)' : s))];
  options[0].value = '*';
  sites.forEach((s, i) => (options[i + 1].value = s));
  select.replaceChildren(...options);
  select.value = [...options].some((o) => o.value === chosen) ? chosen : '*';
}

async function refreshFunnel() {
  const steps = el('funnel-steps')
    .value.split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const p = settings();
  for (const s of steps) p.append('step', s);
  let rows;
  try {
    rows = await get(`/api/analysis/funnel?${p}`);
  } catch (err) {
    el('funnel').replaceChildren(node('p', `funnel: ${err.message}`));
    return;
  }
  draw(
    'funnel-chart',
    'bar',
    rows.map((r) => `${r.step}. ${r.pattern}`),
    [{ label: 'sessions', data: rows.map((r) => r.sessions), backgroundColor: palette[0] }],
  );
  table('funnel', rows, ['step', 'pattern', 'sessions', 'from_previous_pct', 'from_first_pct']);
}

/** Cohorts down, offsets across: visitors and their share of the cohort. */
async function refreshRetention() {
  const rows = await get(`/api/analysis/retention?${settings()}&period=${el('retention-period').value}`);
  const offsets = [...new Set(rows.map((r) => r.offset))].sort((a, b) => a - b);
  const cohorts = [...new Set(rows.map((r) => r.cohort))];
  const cell = new Map(rows.map((r) => [`${r.cohort}|${r.offset}`, `${r.visitors} (${r.share_pct}%)`]));
  const grid = cohorts.map((c) => Object.fromEntries([['cohort', c], ...offsets.map((o) => [`+${o}`, cell.get(`${c}|${o}`) ?? ''])]));
  table('retention', grid, ['cohort', ...offsets.map((o) => `+${o}`)]);
  el('retention').firstChild?.classList?.add('grid');
}

async function refresh() {
  const since = settings().get('since');
  const [traffic, campaignNow, pages, referrers, campaigns, devices, countries, custom, recent, status, sites] = await Promise.all([
    query('traffic'),
    query('campaign-now'),
    query('top-pages'),
    query('top-referrers'),
    query('campaigns'),
    query('devices'),
    query('countries'),
    query('custom-events'),
    get(`/api/recent?${settings()}`),
    get('/api/status'),
    get('/api/sites'),
  ]);
  drawSites(sites);
  drawTraffic(traffic, since);
  table('campaign-now', campaignNow, ['source', 'medium', 'campaign', 'sessions', 'visitors', 'page_views', 'bounce_pct']);
  bars('top-pages', pages, (r) => `${r.host}${r.path || '/'}`, 'views');
  bars('top-referrers', referrers, (r) => `${r.referrer || '(direct)'} · ${r.medium}`, 'page_views');
  bars('campaigns', campaigns, (r) => [r.source, r.medium, r.campaign].filter(Boolean).join(' / '), 'events');
  const browsers = {};
  for (const r of devices) browsers[r.browser || 'unknown'] = (browsers[r.browser || 'unknown'] || 0) + Number(r.events);
  draw('devices', 'doughnut', Object.keys(browsers), [{ data: Object.values(browsers), backgroundColor: palette }]);
  bars('countries', countries, (r) => r.country || 'unknown', 'events');
  bars('custom-events', custom, (r) => `${r.event_type} ${r.event_name}`.trim(), 'events');
  table('recent', recent, [
    'received_timestamp',
    'event_type',
    'event_name',
    'page_path',
    'page_referrer_medium',
    'campaign_source',
    'device_browser',
    'network_country',
  ]);
  await Promise.all([refreshFunnel(), refreshRetention()]);
  const lag = (status.consumers ?? [])
    .map((c) => `${c.name} ${c.lag ? `${c.lag} behind` : 'up to date'}${c.error ? ` (failing: ${c.error})` : ''}`)
    .join(' · ');
  const damage = status.damage?.length ? ` · log damage: ${status.damage.map((d) => d.message).join('; ')}` : '';
  const source = status.source ? ` · ${status.source}` : '';
  el('status').textContent = `updated ${new Date().toLocaleTimeString()}${source}${lag ? ` · ${lag}` : ''}${damage}`;
}

let timer;
async function loop() {
  clearTimeout(timer);
  try {
    await refresh();
  } catch (err) {
    el('status').textContent = `refresh failed: ${err.message}`;
  }
  timer = setTimeout(loop, REFRESH_MS);
}
for (const id of ['range', 'since', 'site', 'bots', 'retention-period']) el(id).addEventListener('change', loop);
el('funnel-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loop();
});
loop();
