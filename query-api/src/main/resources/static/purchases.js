// "My purchases": a customer's invoices, newest first and paged, their totals, and one invoice's lines, from
// GET /customers/{id}/invoices[/{invoiceNo}] with the page's login, so exactly what the API lets this user read.
// A customer sees their own; an analyst or admin opens any customer (?customer=ID). window.purchases tells the
// browser test what is shown.
'use strict';

const PAGE_SIZE = Number(new URLSearchParams(location.search).get('size')) || 10;
const state = { customer: null, page: 0, pages: 1 };
window.purchases = { rendered: false, error: null, customer: null, invoices: [], lines: null };

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

async function loadPage(page) {
  window.purchases.rendered = false;
  $('status').className = '';
  $('status').textContent = 'Loading…';
  try {
    const history = await api('/customers/' + encodeURIComponent(state.customer) + '/invoices', {
      page,
      size: PAGE_SIZE,
    });
    state.page = page;
    state.pages = Math.max(1, Math.ceil(history.invoiceCount / PAGE_SIZE));
    $('invoice-count').textContent = history.invoiceCount.toLocaleString('en-GB');
    $('total-spend').textContent = money(history.totalSpend);
    $('invoices').querySelector('tbody').replaceChildren(...history.invoices.map((invoice) => {
      const row = document.createElement('tr');
      row.dataset.invoice = invoice.invoiceNo;
      row.className = invoice.cancelled ? 'cancelled' : '';
      cell(row, invoice.invoiceNo, 'text');
      cell(row, invoice.invoiceDate.replace('T', ' '));
      cell(row, invoice.lineCount);
      cell(row, money(invoice.totalValue));
      cell(row, invoice.cancelled ? 'cancelled' : '', 'text');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Lines';
      button.addEventListener('click', () => showInvoice(invoice.invoiceNo));
      cell(row, '').appendChild(button);
      return row;
    }));
    $('page').textContent = 'page ' + (page + 1) + ' of ' + state.pages;
    $('previous').disabled = page === 0;
    $('next').disabled = page + 1 >= state.pages;
    $('history').hidden = false;
    $('status').textContent = 'Customer ' + state.customer + ': ' + history.invoiceCount + ' invoices, newest first';
    window.purchases.invoices = history.invoices.map((i) => i.invoiceNo);
    window.purchases.rendered = true;
  } catch (e) {
    $('history').hidden = true;
    $('invoice').hidden = true;
    window.purchases.invoices = [];
    window.purchases.error = e.message;
    showError(e);
  }
}

async function showInvoice(invoiceNo) {
  try {
    const invoice = await api('/customers/' + encodeURIComponent(state.customer) + '/invoices/'
      + encodeURIComponent(invoiceNo));
    $('invoice-title').textContent = 'Invoice ' + invoice.invoiceNo + ', ' + invoice.invoiceDate.replace('T', ' ')
      + (invoice.country ? ', ' + invoice.country : '');
    $('lines').querySelector('tbody').replaceChildren(...invoice.lines.map((line) => {
      const row = document.createElement('tr');
      cell(row, line.stockCode, 'text');
      cell(row, line.description || '', 'text');
      cell(row, line.quantity);
      cell(row, money(line.unitPrice));
      cell(row, money(line.lineTotal));
      return row;
    }));
    $('invoice-quantity').textContent = invoice.totalQuantity;
    $('invoice-total').textContent = money(invoice.totalValue);
    document.querySelectorAll('#invoices tr').forEach((r) => {
      r.classList.toggle('selected', r.dataset.invoice === invoiceNo);
    });
    $('invoice').hidden = false;
    window.purchases.lines = { invoiceNo, count: invoice.lines.length };
  } catch (e) {
    window.purchases.error = e.message;
    showError(e);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('previous').addEventListener('click', () => loadPage(state.page - 1));
  $('next').addEventListener('click', () => loadPage(state.page + 1));
  let me;
  try {
    me = await signedIn();
  } catch (e) {
    window.purchases.error = e.message;
    showError(e);
    return;
  }
  const asked = new URLSearchParams(location.search).get('customer');
  if (me.readsEveryCustomer) {
    $('dashboard-link').hidden = false;
    $('open-customer').hidden = false;
    $('title').textContent = 'Customer purchases';
    $('customer').value = asked || '';
  }
  state.customer = asked || me.customerId;
  window.purchases.customer = state.customer;
  if (!state.customer) {
    $('status').textContent = 'Enter a customer id (or click a bar of the dashboard\'s top customers).';
    return;
  }
  loadPage(0);
});
