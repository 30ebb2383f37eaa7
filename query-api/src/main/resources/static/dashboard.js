// The BI dashboard: every chart is drawn from the query API's analytics endpoints (fetch), so the
// numbers are exactly the API's. Each canvas keeps the values it shows in data-values (JSON) and the
// page sets window.dashboard.rendered once everything is drawn (for the browser test).
'use strict';

const GRANULARITIES = ['year', 'month', 'day', 'hour'];
const charts = {};
window.dashboard = { rendered: false, error: null };

const $ = (id) => document.getElementById(id);

function headers() {
  const token = $('token').value.trim();
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function api(path, params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null));
  const response = await fetch(path + '?' + query, { headers: headers() });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) { /* not a problem body */ }
    throw new Error(path + ': ' + response.status + ' ' + detail);
  }
  return response.json();
}

function draw(id, type, labels, values, label, horizontal) {
  const canvas = $(id);
  canvas.dataset.labels = JSON.stringify(labels);
  canvas.dataset.values = JSON.stringify(values);
  if (charts[id]) {
    charts[id].destroy();
  }
  charts[id] = new Chart(canvas, {
    type,
    data: { labels, datasets: [{ label, data: values, borderWidth: 1, pointRadius: type === 'line' && values.length > 60 ? 0 : 3 }] },
    options: {
      animation: false,
      responsive: true,
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { autoSkip: true, maxTicksLimit: 24 } } },
    },
  });
}

async function refresh() {
  const scope = $('scope').value;
  const period = $('period').value.trim();
  const limit = $('limit').value;
  $('status').textContent = 'Loading…';
  $('status').className = '';
  window.dashboard.rendered = false;
  try {
    const ranking = { scope, period, limit };
    const [revenues, averages, byQuantity, byRevenue, customers, invoices] = await Promise.all([
      Promise.all(GRANULARITIES.map((g) => api('/analytics/revenue', { granularity: g, scope }))),
      Promise.all(GRANULARITIES.map((g) => api('/analytics/average-sales', { granularity: g, scope }))),
      api('/analytics/top-products', { ...ranking, by: 'quantity' }),
      api('/analytics/top-products', { ...ranking, by: 'revenue' }),
      api('/analytics/top-customers', ranking),
      api('/analytics/top-invoices', ranking),
    ]);
    GRANULARITIES.forEach((g, i) => draw('revenue-' + g, g === 'year' || g === 'month' ? 'bar' : 'line',
      revenues[i].map((p) => p.period), revenues[i].map((p) => p.revenue), 'revenue'));
    draw('top-products-quantity', 'bar', byQuantity.map((p) => p.stockCode + ' ' + p.description),
      byQuantity.map((p) => p.quantity), 'quantity', true);
    draw('top-products-revenue', 'bar', byRevenue.map((p) => p.stockCode + ' ' + p.description),
      byRevenue.map((p) => p.revenue), 'revenue', true);
    draw('top-customers', 'bar', customers.map((c) => c.customerId), customers.map((c) => c.revenue), 'revenue', true);
    draw('top-invoices', 'bar', invoices.map((i) => i.invoiceNo), invoices.map((i) => i.totalValue), 'total value', true);
    draw('average-revenue', 'bar', averages.map((a) => a.granularity), averages.map((a) => a.averageRevenue),
      'average revenue');
    const body = $('averages').querySelector('tbody');
    body.replaceChildren(...averages.map((a) => {
      const tr = document.createElement('tr');
      [a.granularity, a.periods, a.totalRevenue, a.averageRevenue, a.averageInvoices].forEach((v) => {
        const td = document.createElement('td');
        td.textContent = typeof v === 'number' && a.granularity !== v ? v.toLocaleString('en-GB') : v;
        tr.appendChild(td);
      });
      return tr;
    }));
    $('status').textContent = 'Scope ' + scope + (period ? ', rankings for ' + period : ', rankings all time')
      + ' — updated ' + new Date().toLocaleTimeString();
    window.dashboard.rendered = true;
  } catch (e) {
    window.dashboard.error = e.message;
    $('status').textContent = e.message;
    $('status').className = 'error';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('token').value = sessionStorage.getItem('query-api-token') || '';
  $('token').addEventListener('change', () => sessionStorage.setItem('query-api-token', $('token').value.trim()));
  ['scope', 'period', 'limit'].forEach((id) => $(id).addEventListener('change', refresh));
  $('refresh').addEventListener('click', refresh);
  refresh();
});
