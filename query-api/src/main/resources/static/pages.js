// Shared by the pages: calls to the JSON API with the page's login (the session; no token in the page) and
// who is signed in. A 401 means the sign-in has ended: the status line offers to sign in again.
'use strict';

const $ = (id) => document.getElementById(id);

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null));
  const response = await fetch(path + (query.toString() ? '?' + query : ''), {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (e) { /* not a problem body */ }
    throw new ApiError(response.status, response.status + ' ' + detail + ' (' + path + ')');
  }
  return response.json();
}

/** Shows an error in the status line; after a 401, with a link that signs in again. */
function showError(e) {
  const status = $('status');
  status.className = 'error';
  status.textContent = e.message;
  if (e.status === 401) {
    const link = document.createElement('a');
    link.href = '/logout';
    link.textContent = 'Sign in again';
    status.append(' — ', link);
  }
}

/** Who is signed in (GET /me), shown in the header. */
async function signedIn() {
  const me = await api('/me');
  $('user').textContent = me.customerId ? 'customer ' + me.customerId : (me.name || '');
  return me;
}

function money(value) {
  return Number(value).toLocaleString('en-GB', { style: 'currency', currency: 'GBP' });
}
