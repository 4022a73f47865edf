// Usage dashboard: reads the management key from ?key=, localStorage or the form, then calls the
// metering APIs and draws Chart.js charts. Each canvas gets data-rendered/data-points/data-painted once
// drawn, and <body data-state> ends as "ready" or "error", so a headless browser can check the result.
(function () {
  const KEY_STORE = 'gw-management-key';
  const RANGES = { minute: 3 * 3600, hour: 48 * 3600, day: 30 * 86400 };
  const charts = {};
  const params = new URLSearchParams(location.search);
  const keyInput = document.getElementById('key');
  const granularity = document.getElementById('granularity');
  const status = document.getElementById('status');

  if (params.get('granularity')) granularity.value = params.get('granularity');
  const initialKey = params.get('key') || localStorage.getItem(KEY_STORE) || '';
  keyInput.value = initialKey;

  document.getElementById('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    localStorage.setItem(KEY_STORE, keyInput.value.trim());
    load();
  });

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: 'Bearer ' + keyInput.value.trim() } });
    const body = await res.json();
    if (!res.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + res.status));
    return body.data;
  }

  function label(t, g) {
    return g === 'day' ? t.substring(0, 10) : t.substring(5, 16).replace('T', ' ');
  }

  function draw(id, series, metric, g) {
    const labels = [...new Set(series.flatMap(s => s.points.map(p => p.t)))].sort();
    const datasets = series.map(s => {
      const byT = Object.fromEntries(s.points.map(p => [p.t, Number(p[metric])]));
      return { label: s.group || '(none)', data: labels.map(t => byT[t] ?? 0), tension: 0.2, pointRadius: 2 };
    });
    const canvas = document.getElementById(id);
    if (charts[id]) charts[id].destroy();
    // no animation: the chart is painted synchronously, so what a test sees is the final picture
    charts[id] = new Chart(canvas, {
      type: labels.length > 1 ? 'line' : 'bar',
      data: { labels: labels.map(t => label(t, g)), datasets },
      options: { animation: false, responsive: false, plugins: { legend: { position: 'bottom' } } }
    });
    canvas.dataset.rendered = 'true';
    canvas.dataset.points = String(datasets.reduce((n, d) => n + d.data.length, 0));
    canvas.dataset.painted = String(paintedPixels(canvas));
  }

  function paintedPixels(canvas) {
    try {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
      return n;
    } catch (e) {
      return -1;
    }
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    row.appendChild(td);
  }

  function fillTable(id, rows, columns) {
    const tbody = document.querySelector('#' + id + ' tbody');
    tbody.replaceChildren();
    for (const r of rows) {
      const tr = document.createElement('tr');
      columns.forEach(c => cell(tr, c(r)));
      tbody.appendChild(tr);
    }
    document.getElementById(id).dataset.rows = String(rows.length);
  }

  async function load() {
    if (!keyInput.value.trim()) {
      status.textContent = 'Enter a management key to see usage.';
      return;
    }
    document.body.dataset.state = 'loading';
    status.className = '';
    status.textContent = 'Loading…';
    try {
      const g = granularity.value;
      const to = Math.floor(Date.now() / 1000);
      const from = to - RANGES[g];
      const metrics = 'total_tokens,cost,requests';
      const q = `/api/v1/usage/timeseries?granularity=${g}&from=${from}&to=${to}&metrics=${metrics}`;
      const [byModel, byProvider, generations, health] = await Promise.all([
        api(q + '&group_by=model'), api(q + '&group_by=provider'),
        api('/api/v1/generations?limit=20'), api('/api/v1/usage/endpoint-health')]);
      for (const [suffix, data] of [['model', byModel], ['provider', byProvider]]) {
        draw('chart-tokens-' + suffix, data.series, 'total_tokens', g);
        draw('chart-cost-' + suffix, data.series, 'cost', g);
        draw('chart-requests-' + suffix, data.series, 'requests', g);
      }
      fillTable('generations', generations, [r => r.created_at, r => r.id, r => r.model, r => r.provider_name,
        r => r.tokens_prompt + ' / ' + r.tokens_completion, r => r.total_cost, r => r.latency, r => r.status]);
      fillTable('health', health, [r => r.endpoint_id, r => r.uptime5m, r => r.uptime30m, r => r.uptime1d,
        r => r.latency_ms && r.latency_ms.p50, r => r.latency_ms && r.latency_ms.p90,
        r => r.throughput_tps && r.throughput_tps.p50, r => r.requests30m]);
      status.textContent = 'Updated ' + new Date().toISOString();
      document.body.dataset.state = 'ready';
    } catch (e) {
      status.className = 'error';
      status.textContent = e.message;
      document.body.dataset.state = 'error';
    }
  }

  load();
})();
