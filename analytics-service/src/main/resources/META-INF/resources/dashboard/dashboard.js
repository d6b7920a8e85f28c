// Switchboard's analytics dashboard. Two views of the same page:
// - an account's (?view=account, the default; through the edge, with a management key): /api/v1/dashboard/*
// - the operator's (?view=operator; on analytics-service's own port, with the admin token): /admin/v1/*
// Every number is computed in ClickHouse by analytics-service; this file only draws them (Apache ECharts).
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const mode = params.get('view') === 'operator' ? 'operator' : 'account';
  const api = mode === 'operator' ? '/admin/v1' : '/api/v1';
  const REFRESH_MS = 10000;
  const $ = (id) => document.getElementById(id);
  const state = { loads: 0, timer: null };

  document.body.classList.add(mode);
  $('mode-label').textContent = mode === 'operator' ? '· operator view (admin token)' : '· account view (management key)';
  $('token').value = sessionStorage.getItem('switchboard.token.' + mode) || '';

  // This script runs before the chart library (index.html): the first requests go out at once, and the
  // charts are made, then drawn, once the library has been evaluated (DOMContentLoaded follows it).
  const charts = {};
  const library = new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve));
  library.then(() => {
    charts.latency = echarts.init($('latency-chart'));
    charts.histogram = echarts.init($('histogram-chart'));
    charts.reliability = echarts.init($('reliability-chart'));
    charts.spend = echarts.init($('spend-chart'));
    window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));
  });
  const whenDrawable = (draw) => (data) => library.then(() => draw(data));

  function query(extra) {
    const q = new URLSearchParams({ window: $('window').value });
    for (const [name, id] of [['model', 'f-model'], ['provider', 'f-provider'], ['key', 'f-key'], ['status', 'f-status']]) {
      const v = $(id).value.trim();
      if (v) q.set(name, v);
    }
    const account = $('f-account').value.trim();
    if (mode === 'operator' && account) q.set('account_id', account);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return q.toString();
  }

  async function get(path, extra) {
    const response = await fetch(api + path + '?' + query(extra), {
      headers: { Authorization: 'Bearer ' + $('token').value.trim() },
      cache: 'no-store',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = (body.error && body.error.message) || response.statusText;
      throw new Error(response.status + ' ' + message);
    }
    return body;
  }

  const usd = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(6));
  const ms = (v) => (v === null || v === undefined ? '–' : Math.round(v).toString());
  const pct = (v) => (v === null || v === undefined ? '–' : (v * 100).toFixed(2) + ' %');
  const time = (t) => new Date(t).toISOString().replace('T', ' ').slice(0, 19);

  function cell(row, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function fill(tableId, rows, render) {
    const body = $(tableId).querySelector('tbody');
    body.replaceChildren();
    for (const item of rows) {
      const tr = document.createElement('tr');
      render(tr, item);
      body.appendChild(tr);
    }
  }

  // a time axis over the whole window asked for, whatever the data covers
  function timeAxis(data, extra) {
    return Object.assign({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 64, right: 16, top: 24, bottom: 48 },
      xAxis: { type: 'time', min: data.from, max: data.to },
    }, extra);
  }

  const short = (key) => (key && key.length > 12 ? key.slice(0, 8) + '…' : key || '–');

  function drawLatency(data) {
    const series = [];
    const providers = [...new Set(data.series.map((p) => p.provider || '(none)'))];
    for (const provider of providers) {
      const points = data.series.filter((p) => (p.provider || '(none)') === provider);
      for (const q of ['p50', 'p95', 'p99']) {
        series.push({
          name: provider + ' ' + q,
          type: 'line',
          showSymbol: points.length < 40,
          data: points.filter((p) => p['latency_' + q] !== null).map((p) => [p.t, p['latency_' + q]]),
        });
      }
    }
    charts.latency.setOption(timeAxis(data, { yAxis: { type: 'value', name: 'ms' }, series }), true);
    charts.histogram.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: data.histogram.map((b) => (b.to_ms === null ? '≥ ' + b.from_ms : b.from_ms + '–' + b.to_ms)) },
      yAxis: { type: 'value', name: 'requests' },
      series: [{ name: 'requests', type: 'bar', data: data.histogram.map((b) => b.requests) }],
    }, true);
  }

  function drawReliability(data) {
    const byTime = new Map();
    const classes = new Set();
    for (const p of data.series) {
      const at = byTime.get(p.t) || { served: 0, fallback: 0, cancelled: 0, errors: {} };
      at.served += p.succeeded - p.fallbacks;
      at.fallback += p.fallbacks;
      at.cancelled += p.cancelled;
      for (const [c, n] of Object.entries(p.errors)) {
        classes.add(c);
        at.errors[c] = (at.errors[c] || 0) + n;
      }
      byTime.set(p.t, at);
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    const bar = (name, value) => ({ name, type: 'bar', stack: 'requests', barMaxWidth: 24, data: times.map((t) => [t, value(byTime.get(t))]) });
    const series = [
      bar('served', (a) => a.served),
      bar('served by a fallback', (a) => a.fallback),
      bar('cancelled', (a) => a.cancelled),
      ...[...classes].sort().map((c) => bar('error: ' + c, (a) => a.errors[c] || 0)),
    ];
    charts.reliability.setOption(timeAxis(data, { yAxis: { type: 'value', name: 'requests' }, series }), true);
  }

  function drawSpend(data) {
    const models = [...new Set(data.series.map((p) => p.model))];
    const series = models.map((model) => ({
      name: model,
      type: 'bar',
      stack: 'cost',
      barMaxWidth: 24,
      data: data.series.filter((p) => p.model === model).map((p) => [p.t, p.cost]),
    }));
    charts.spend.setOption(timeAxis(data, { yAxis: { type: 'value', name: 'USD' }, series }), true);
    fill('spend', data.by_key_and_model, (tr, r) => {
      cell(tr, short(r.key)).title = r.key;
      cell(tr, r.model);
      cell(tr, r.requests, 'num');
      cell(tr, r.prompt_tokens, 'num');
      cell(tr, r.completion_tokens, 'num');
      cell(tr, usd(r.cost), 'num');
    });
  }

  function drawGenerations(data) {
    fill('generations', data.data, (tr, g) => {
      tr.dataset.id = g.id;
      tr.dataset.model = g.model;
      tr.dataset.status = g.status;
      cell(tr, time(g.created_at));
      cell(tr, g.model);
      cell(tr, g.provider || '–');
      cell(tr, g.status + (g.error_class ? ' (' + g.error_class + ')' : ''), g.status === 'error' ? 'error' : '');
      cell(tr, short(g.key)).title = g.key;
      cell(tr, g.app || '–').title = g.user ? 'user ' + g.user : '';
      cell(tr, g.prompt_tokens + ' / ' + g.completion_tokens, 'num');
      cell(tr, ms(g.latency_ms), 'num');
      cell(tr, ms(g.ttft_ms), 'num');
      cell(tr, g.attempts, 'num');
      cell(tr, usd(g.cost), 'num');
      const parts = Object.entries(g.cost_parts || {}).filter(([, v]) => Number(v) > 0);
      cell(tr, parts.map(([k, v]) => k + ' ' + usd(v)).join(', '), 'parts');
    });
  }

  function drawStatistics(data) {
    fill('statistics', data.data, (tr, s) => {
      cell(tr, s.provider_name || s.provider || '(none)');
      cell(tr, s.model);
      cell(tr, s.requests, 'num');
      cell(tr, pct(s.error_rate), 'num');
      cell(tr, pct(s.fallback_rate), 'num');
      cell(tr, pct(s.uptime), 'num');
      cell(tr, ms(s.latency_ms && s.latency_ms.p50), 'num');
      cell(tr, ms(s.latency_ms && s.latency_ms.p95), 'num');
      cell(tr, ms(s.latency_ms && s.latency_ms.p99), 'num');
      cell(tr, ms(s.ttft_ms && s.ttft_ms.p95), 'num');
      cell(tr, s.output_tokens_per_second === undefined ? '–' : s.output_tokens_per_second, 'num');
    });
  }

  async function refresh() {
    if (!$('token').value.trim()) {
      $('status').textContent = 'Enter a ' + (mode === 'operator' ? 'admin token' : 'management key') + ' to load the data.';
      return;
    }
    sessionStorage.setItem('switchboard.token.' + mode, $('token').value.trim());
    const started = performance.now();
    try {
      // each panel is drawn as soon as its data arrives; the refresh counts once all are drawn
      let shown = 0;
      await Promise.all([
        get('/dashboard/generations', { limit: 100 }).then((d) => { drawGenerations(d); shown = d.data.length; }),
        get('/dashboard/latency').then(whenDrawable(drawLatency)),
        get('/dashboard/reliability').then(whenDrawable(drawReliability)),
        get('/dashboard/spend').then(whenDrawable(drawSpend)),
        mode === 'operator' ? get('/statistics').then(drawStatistics) : Promise.resolve(),
      ]);
      state.loads += 1;
      if (state.loads === 1) {
        // milliseconds from navigation to the first charts drawn with data (bench/analytics.sh reads it)
        requestAnimationFrame(() => { document.body.dataset.firstDataMs = String(Math.round(performance.now())); });
      }
      document.body.dataset.loads = String(state.loads);
      $('status').className = '';
      $('status').textContent = 'Updated ' + new Date().toISOString().slice(11, 19) + ' UTC in '
        + Math.round(performance.now() - started) + ' ms · ' + shown + ' generations shown';
    } catch (e) {
      $('status').className = 'error';
      $('status').textContent = e.message;
      document.body.dataset.error = e.message;
    }
  }

  function schedule() {
    clearInterval(state.timer);
    if ($('live').checked) state.timer = setInterval(refresh, REFRESH_MS);
  }

  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  $('live').addEventListener('change', schedule);
  window.switchboardDashboard = { charts, refresh, state };
  refresh();
  schedule();
})();
