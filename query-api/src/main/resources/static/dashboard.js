// The BI dashboard: every chart is drawn from the query API's analytics endpoints (fetch, with the page's
// login), so the numbers are exactly the API's. Each canvas keeps the values it shows in data-labels and
// data-values (JSON) and the page sets window.dashboard.rendered once everything is drawn (for the browser test).
'use strict';

const GRANULARITIES = ['year', 'month', 'day', 'hour'];
const LABEL_LINE = 28; // characters per line of a ranking's label; longer ones wrap rather than being cut
const BAR_HEIGHT = 30; // pixels per bar of a ranking, so that every bar keeps its label
const charts = {};
window.dashboard = { rendered: false, error: null };

/** A label as lines of at most LABEL_LINE characters, broken between words. */
function wrap(label) {
  const lines = [];
  let line = '';
  for (const word of String(label).split(/\s+/)) {
    if (line && (line + ' ' + word).length > LABEL_LINE) {
      lines.push(line);
      line = word;
    } else {
      line = line ? line + ' ' + word : word;
    }
  }
  lines.push(line);
  return lines.length === 1 ? lines[0] : lines;
}

function draw(id, type, labels, values, label, options = {}) {
  const canvas = $(id);
  canvas.dataset.labels = JSON.stringify(labels);
  canvas.dataset.values = JSON.stringify(values);
  if (charts[id]) {
    charts[id].destroy();
  }
  const ranking = options.ranking === true;
  const category = ranking ? 'y' : 'x';
  const value = ranking ? 'x' : 'y';
  if (ranking) {
    // a ranking's height grows with its bars, so none is skipped for lack of room
    canvas.parentElement.style.height = Math.max(160, labels.length * BAR_HEIGHT + 50) + 'px';
  }
  charts[id] = new Chart(canvas, {
    type,
    data: {
      labels: ranking ? labels.map(wrap) : labels,
      datasets: [{ label, data: values, borderWidth: 1, pointRadius: type === 'line' && values.length > 60 ? 0 : 3 }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: category,
      layout: { padding: { right: 12 } },
      plugins: { legend: { display: false } },
      onClick: options.onClick,
      scales: {
        [category]: ranking
          ? { ticks: { autoSkip: false, font: { size: 11 } } }
          : { ticks: { autoSkip: true, maxTicksLimit: 24, maxRotation: 50, minRotation: 0 } },
        [value]: { beginAtZero: true, ticks: { callback: (v) => Number(v).toLocaleString('en-GB') } },
      },
    },
  });
}

/** The rankings' period picker: all time, each year and each month that has revenue, or a day from the calendar. */
function fillPeriods(years, months, days) {
  const select = $('period');
  const chosen = select.value;
  select.replaceChildren(new Option('all time', ''));
  for (const [name, periods] of [['years', years], ['months', months]]) {
    const group = document.createElement('optgroup');
    group.label = name;
    periods.forEach((p) => group.appendChild(new Option(p, p)));
    select.appendChild(group);
  }
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
  if (days.length) {
    $('day').min = days[0];
    $('day').max = days[days.length - 1];
  }
}

function period() {
  return $('day').value || $('period').value;
}

async function refresh() {
  const scope = $('scope').value;
  const chosen = period();
  const limit = $('limit').value;
  $('status').textContent = 'Loading…';
  $('status').className = '';
  window.dashboard.rendered = false;
  try {
    const ranking = { scope, period: chosen, limit };
    const [revenues, averages, byQuantity, byRevenue, customers, invoices] = await Promise.all([
      Promise.all(GRANULARITIES.map((g) => api('/analytics/revenue', { granularity: g, scope }))),
      Promise.all(GRANULARITIES.map((g) => api('/analytics/average-sales', { granularity: g, scope }))),
      api('/analytics/top-products', { ...ranking, by: 'quantity' }),
      api('/analytics/top-products', { ...ranking, by: 'revenue' }),
      api('/analytics/top-customers', ranking),
      api('/analytics/top-invoices', ranking),
    ]);
    fillPeriods(...[0, 1, 2].map((i) => revenues[i].map((p) => p.period)));
    GRANULARITIES.forEach((g, i) => draw('revenue-' + g, g === 'year' || g === 'month' ? 'bar' : 'line',
      revenues[i].map((p) => p.period), revenues[i].map((p) => p.revenue), 'revenue'));
    draw('top-products-quantity', 'bar', byQuantity.map((p) => p.stockCode + ' ' + p.description),
      byQuantity.map((p) => p.quantity), 'quantity', { ranking: true });
    draw('top-products-revenue', 'bar', byRevenue.map((p) => p.stockCode + ' ' + p.description),
      byRevenue.map((p) => p.revenue), 'revenue', { ranking: true });
    draw('top-customers', 'bar', customers.map((c) => c.customerId), customers.map((c) => c.revenue), 'revenue', {
      ranking: true,
      onClick: (event, bars) => {
        if (bars.length) {
          location.href = '/purchases?customer=' + encodeURIComponent(customers[bars[0].index].customerId);
        }
      },
    });
    draw('top-invoices', 'bar', invoices.map((i) => i.invoiceNo), invoices.map((i) => i.totalValue), 'total value',
      { ranking: true });
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
    document.querySelectorAll('figcaption .period').forEach((e) => {
      e.textContent = chosen ? '(' + chosen + ')' : '(all time)';
    });
    $('status').textContent = 'Scope ' + scope + (chosen ? ', rankings for ' + chosen : ', rankings all time')
      + ' — updated ' + new Date().toLocaleTimeString('en-GB');
    window.dashboard.rendered = true;
  } catch (e) {
    window.dashboard.error = e.message;
    showError(e);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('period').addEventListener('change', () => { $('day').value = ''; refresh(); });
  ['scope', 'day', 'limit'].forEach((id) => $(id).addEventListener('change', refresh));
  $('refresh').addEventListener('click', refresh);
  try {
    const me = await signedIn();
    if (!me.readsEveryCustomer && me.customerId) {
      location.replace('/purchases'); // a customer has no analytics, only their own purchases
      return;
    }
  } catch (e) {
    window.dashboard.error = e.message;
    showError(e);
    return;
  }
  refresh();
});
