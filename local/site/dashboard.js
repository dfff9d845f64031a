// Live dashboard for local mode: polls the named queries every few seconds and redraws.
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

async function refresh() {
  const [traffic, campaignNow, pages, referrers, campaigns, devices, countries, custom, recent, status] = await Promise.all([
    get('/api/query/traffic?since=24h'),
    get('/api/query/campaign-now'),
    get('/api/query/top-pages'),
    get('/api/query/top-referrers'),
    get('/api/query/campaigns'),
    get('/api/query/devices'),
    get('/api/query/countries'),
    get('/api/query/custom-events'),
    get('/api/recent'),
    get('/api/status'),
  ]);
  // Every hour of the last 24, with zeros where nothing happened, so the line has a shape.
  const byHour = new Map(traffic.map((r) => [new Date(r.hour).getTime(), r]));
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  const slots = Array.from({ length: 24 }, (_, i) => now.getTime() - (23 - i) * 3600e3);
  const series = (key) => slots.map((t) => Number(byHour.get(t)?.[key] ?? 0));
  draw(
    'traffic',
    'line',
    slots.map((t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
    [
      { label: 'page views', data: series('page_views'), borderColor: palette[0], tension: 0.3 },
      { label: 'sessions', data: series('sessions'), borderColor: palette[1], tension: 0.3 },
      { label: 'visitors', data: series('visitors'), borderColor: palette[2], tension: 0.3 },
    ],
  );
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
  const lag = status.consumers
    .map((c) => `${c.name} ${c.lag ? `${c.lag} behind` : 'up to date'}${c.error ? ` (failing: ${c.error})` : ''}`)
    .join(' · ');
  const damage = status.damage.length ? ` · log damage: ${status.damage.map((d) => d.message).join('; ')}` : '';
  document.getElementById('status').textContent = `updated ${new Date().toLocaleTimeString()} · ${lag}${damage}`;
}

async function loop() {
  try {
    await refresh();
  } catch (err) {
    document.getElementById('status').textContent = `refresh failed: ${err.message}`;
  }
  setTimeout(loop, REFRESH_MS);
}
loop();
