'use strict';
// The Keyway console: a management key's holder manages the account's gateway keys (create, limits, rotation, provider
// keys, revocation), sees their usage and the account's activity, and rotates the management key, through the JSON API.
// The management key lives in this closure only (no storage, no cookie); a revealed gateway key is in the DOM only
// while its dialog is open.
(function () {
  let managementKey = null;
  let revoking = null;
  let changing = null;
  let limiting = null;

  const $ = (id) => document.getElementById(id);
  // Each error is said next to what caused it: the sign-in form, the create form, or the keys table (revoking).
  const showError = (where, text) => { $(where).textContent = text; };
  const clearError = () => { for (const id of ['sign-in-error', 'create-error', 'keys-error']) $(id).textContent = ''; };

  // Calls the JSON API with the management key, or with a gateway key's own secret (bearer) for the changes only that
  // secret may make (its provider keys, its rotation).
  async function api(method, path, body, bearer) {
    const headers = { Authorization: 'Bearer ' + (bearer === undefined ? managementKey : bearer) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (unreachable) {
      throw new Error('Keyway could not be reached. Check your connection and try again.');
    }
    if (response.status === 204) return null;
    let json = null;
    try { json = await response.json(); } catch (notJson) { /* handled below */ }
    if (!response.ok) {
      const message = json && json.error && json.error.message ? json.error.message : 'The request failed with status ' + response.status + '.';
      const failure = new Error(message);
      failure.status = response.status;
      failure.param = json && json.error ? json.error.param : null;
      throw failure;
    }
    return json;
  }

  const date = (seconds) => seconds == null ? '—' : new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render(keys) {
    const body = $('keys-body');
    // A list redrawn under the user's focus (a refresh that lands after a dialog gave focus back to its row's button)
    // keeps it: the same action of the same key is focused again.
    const active = document.activeElement;
    const focusedRow = active && body.contains(active) ? active.closest('tr') : null;
    const keep = focusedRow ? { id: focusedRow.dataset.keyId, text: active.textContent } : null;
    body.replaceChildren();
    $('keys-empty').hidden = keys.length !== 0;
    $('keys-table').hidden = keys.length === 0;
    for (const key of keys) {
      const row = document.createElement('tr');
      row.dataset.keyId = key.id;
      cell(row, key.name);
      cell(row, key.id);
      cell(row, date(key.created_at));
      cell(row, date(key.expires_at));
      const providers = Object.entries(key.provider_keys || {}).map(([name, p]) => name + ' ' + p.hint);
      cell(row, providers.length ? providers.join(', ') : 'none');
      cell(row, describeLimits(key.limits));
      const actions = cell(row, '');
      // Each button's accessible name says which key it acts on ("Revoke laptop"), its text what it does.
      for (const [text, name, open, danger] of [
        ['Limits', 'Limits of ', askForLimits, false],
        ['Rotate', 'Rotate ', askToRotate, false],
        ['Provider keys', 'Provider keys of ', askToChangeProviderKeys, false],
        ['Revoke', 'Revoke ', askToRevoke, true],
      ]) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = text;
        if (danger) button.className = 'danger';
        button.setAttribute('aria-label', name + key.name);
        button.addEventListener('click', () => open(key));
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
    const again = keep && rowButton(keep.id, keep.text);
    if (again) again.focus();
  }

  async function refresh() {
    const list = await api('GET', '/v1/keys');
    render(list.data);
    listUsageScopes(list.data);
    await Promise.all([loadUsage(), loadActivity()]);
  }

  // ---- Limits: shown in each row, set and removed in a dialog, next to what each one has used.

  const LIMITS = [
    { field: 'limit-rpm', name: 'requests_per_minute', words: 'requests a minute' },
    { field: 'limit-tpd', name: 'tokens_per_day', words: 'tokens a day' },
    { field: 'limit-cpm', name: 'cost_per_month', words: 'USD a month' },
  ];

  function describeLimits(limits) {
    const set = LIMITS.filter((limit) => limits && limits[limit.name] != null)
      .map((limit) => limits[limit.name] + ' ' + limit.words);
    return set.length ? set.join(', ') : 'none';
  }

  const utcDay = (date) => Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / 1000);
  const utcMonth = (date) => Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000);

  async function showUsedNow(key) {
    const now = new Date();
    const path = '/v1/keys/' + encodeURIComponent(key.id) + '/usage?group_by=day&from=';
    try {
      const [minute, day, month] = await Promise.all([
        api('GET', path + (Math.floor(now.getTime() / 1000) - 60)),
        api('GET', path + utcDay(now)),
        api('GET', path + utcMonth(now)),
      ]);
      $('limit-rpm-used').textContent = 'Used: ' + minute.total.requests + ' in the last minute.';
      $('limit-tpd-used').textContent = 'Used: ' + day.total.total_tokens + ' tokens today (UTC).';
      $('limit-cpm-used').textContent = 'Used: ' + money(month.total.cost) + ' USD this month (UTC).';
    } catch (failure) {
      $('limits-error').textContent = 'What this key used could not be read: ' + failure.message;
    }
  }

  function askForLimits(key) {
    limiting = key;
    $('limits-name').textContent = key.name + ' (' + key.id + ')';
    for (const limit of LIMITS) {
      const value = key.limits ? key.limits[limit.name] : null;
      $(limit.field).value = value == null ? '' : String(value);
      $(limit.field + '-error').textContent = '';
      $(limit.field + '-used').textContent = '';
    }
    $('limits-error').textContent = '';
    $('limits-status').textContent = '';
    $('limits-dialog').showModal();
    $('limit-rpm').focus();
    showUsedNow(key);
  }

  // A field's text goes as a number when it is one, else as typed: the API's own message then says what is wrong.
  function limitValue(text) {
    const trimmed = text.trim();
    if (trimmed === '') return null;
    const number = Number(trimmed);
    return Number.isFinite(number) ? number : trimmed;
  }

  $('limits-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = limiting;
    if (key === null) return;
    for (const limit of LIMITS) $(limit.field + '-error').textContent = '';
    $('limits-error').textContent = '';
    $('limits-status').textContent = '';
    const limits = {};
    for (const limit of LIMITS) limits[limit.name] = limitValue($(limit.field).value);
    try {
      const changed = await api('PATCH', '/v1/keys/' + encodeURIComponent(key.id), { limits });
      limiting = changed;
      $('limits-status').textContent = 'Saved: ' + describeLimits(changed.limits) + '.';
      try { await refresh(); } catch (failure) { showError('keys-error', failure.message); }
    } catch (failure) {
      const field = LIMITS.find((limit) => failure.param === 'limits.' + limit.name);
      if (field) {
        $(field.field + '-error').textContent = failure.message;
        $(field.field).focus();
      } else {
        $('limits-error').textContent = 'The limits were not saved: ' + failure.message;
      }
    }
  });
  $('limits-close').addEventListener('click', () => $('limits-dialog').close());
  $('limits-dialog').addEventListener('close', () => {
    const key = limiting;
    limiting = null;
    // Focus goes back to the button that opened the dialog.
    const opener = key && rowButton(key.id, 'Limits');
    if (opener) opener.focus();
  });

  // ---- Usage: a chart of the last 30 days (uPlot, served from the jar), the same figures as a table, the top models.

  const money = (value) => (value == null ? 0 : Number(value)).toFixed(4);

  function listUsageScopes(list) {
    const select = $('usage-scope');
    const chosen = select.value;
    const options = [new Option('The whole account', '')];
    for (const key of list) options.push(new Option('Key ' + key.name + ' (' + key.id + ')', key.id));
    select.replaceChildren(...options);
    select.value = list.some((key) => key.id === chosen) ? chosen : '';
  }

  $('usage-scope').addEventListener('change', () => loadUsage());

  async function loadUsage() {
    $('usage-error').textContent = '';
    const scope = $('usage-scope').value;
    const now = new Date();
    const last = utcDay(now);
    const first = last - 29 * 86400;
    const base = (scope ? '/v1/keys/' + encodeURIComponent(scope) + '/usage' : '/v1/usage') + '?from=' + first;
    let days;
    let models;
    try {
      [days, models] = await Promise.all([api('GET', base + '&group_by=day'), api('GET', base + '&group_by=model')]);
    } catch (failure) {
      $('usage-error').textContent = 'The usage could not be read: ' + failure.message;
      return;
    }
    const byDay = new Map(days.data.map((row) => [row.group, row]));
    const xs = [];
    const tokens = [];
    const costs = [];
    const body = $('usage-body');
    body.replaceChildren();
    for (let day = first; day <= last; day += 86400) {
      const label = new Date(day * 1000).toISOString().slice(0, 10);
      const row = byDay.get(label);
      xs.push(day);
      tokens.push(row ? row.total_tokens : 0);
      costs.push(row ? Number(row.cost || 0) : 0);
      const tr = document.createElement('tr');
      cell(tr, label);
      cell(tr, String(row ? row.requests : 0));
      cell(tr, String(row ? row.total_tokens : 0));
      cell(tr, money(row ? row.cost : 0));
      body.appendChild(tr);
    }
    const total = days.total;
    $('usage-totals').textContent = (scope ? 'This key' : 'The account') + ': ' + total.requests + ' requests, '
      + total.total_tokens + ' tokens, ' + money(total.cost) + ' USD in these 30 days'
      + (total.estimated_requests ? ' (' + total.estimated_requests + ' streams estimated).' : '.');
    const ranked = models.data.slice().sort((a, b) => Number(b.cost || 0) - Number(a.cost || 0) || b.total_tokens - a.total_tokens).slice(0, 5);
    $('usage-models').replaceChildren(...ranked.map((row) => {
      const item = document.createElement('li');
      item.textContent = row.group + ': ' + money(row.cost) + ' USD, ' + row.total_tokens + ' tokens, ' + row.requests + ' requests';
      return item;
    }));
    $('usage-models-empty').hidden = ranked.length !== 0;
    drawChart([xs, tokens, costs]);
  }

  let chart = null;

  // An axis label for a cost: enough decimals to tell small amounts apart (a day of a few requests costs fractions of
  // a cent).
  const usd = (v) => v === 0 ? '0' : Math.abs(v) < 0.01 ? v.toFixed(5) : Math.abs(v) < 1 ? v.toFixed(3) : v.toFixed(2);

  function chartWidth() {
    return Math.max(240, $('usage-chart').clientWidth || 600);
  }

  function drawChart(data) {
    if (typeof uPlot === 'undefined') return;
    if (chart !== null) {
      chart.setData(data);
      return;
    }
    chart = new uPlot({
      width: chartWidth(),
      height: 220,
      scales: { x: { time: true }, tokens: { auto: true }, usd: { auto: true } },
      series: [
        {},
        { label: 'Tokens', scale: 'tokens', stroke: '#1f4f99', fill: 'rgba(31, 79, 153, 0.35)', paths: uPlot.paths.bars({ size: [0.6, 40] }) },
        { label: 'Cost (USD)', scale: 'usd', stroke: '#a40e26', width: 2, value: (u, v) => v == null ? '—' : v.toFixed(4) },
      ],
      axes: [
        {},
        { scale: 'tokens', label: 'Tokens' },
        { scale: 'usd', side: 1, label: 'USD', grid: { show: false }, size: 70, values: (u, values) => values.map(usd) },
      ],
    }, data, $('usage-chart'));
  }

  window.addEventListener('resize', () => {
    if (chart !== null) chart.setSize({ width: chartWidth(), height: 220 });
  });

  // The change as words ("requests per minute: 5"), leaving out what was not set.
  const describe = (change) => Object.entries(change || {}).filter(([, value]) => value !== null)
    .map(([name, value]) => name.replace(/_/g, ' ') + ': ' + (name.endsWith('_until') || name.endsWith('_at') ? date(value) : String(value)))
    .join(', ') || '—';

  async function loadActivity() {
    $('activity-error').textContent = '';
    let page;
    try {
      page = await api('GET', '/v1/audit?limit=50');
    } catch (failure) {
      $('activity-error').textContent = 'The activity could not be read: ' + failure.message;
      return;
    }
    const body = $('activity-body');
    body.replaceChildren();
    $('activity-empty').hidden = page.data.length !== 0;
    $('activity-table').hidden = page.data.length === 0;
    for (const event of page.data) {
      const row = document.createElement('tr');
      cell(row, date(event.at));
      cell(row, event.action);
      cell(row, event.key_id ? event.key_id + (event.key_deleted ? ' (deleted)' : '') : '—');
      cell(row, event.provider || '—');
      cell(row, event.actor);
      cell(row, describe(event.change));
      body.appendChild(row);
    }
  }

  $('activity-verify').addEventListener('click', async () => {
    $('activity-status').textContent = '';
    $('activity-error').textContent = '';
    try {
      const check = await api('GET', '/v1/audit/verify');
      if (check.intact) {
        $('activity-status').textContent = 'The trail is intact: ' + check.rows + ' changes, each chained to the one before.';
      } else {
        $('activity-error').textContent = 'The trail was changed: change ' + check.first_mismatch + ' does not match the one before it.';
      }
    } catch (failure) {
      $('activity-error').textContent = 'The trail could not be checked: ' + failure.message;
    }
  });

  function signedIn(yes) {
    $('sign-in-section').hidden = yes;
    $('keys-section').hidden = !yes;
    $('activity-section').hidden = !yes;
    $('usage-section').hidden = !yes;
    $('account-actions').hidden = !yes;
    // The chart was drawn while its section was hidden (no width yet): fitted now that it shows.
    if (yes && chart !== null) chart.setSize({ width: chartWidth(), height: 220 });
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const field = $('management-key');
    managementKey = field.value.trim();
    try {
      await refresh();
      field.value = '';
      signedIn(true);
      $('key-name').focus();
    } catch (failure) {
      managementKey = null;
      showError('sign-in-error', failure.status === 401 || failure.status === 403
        ? 'That management key was not accepted: ' + failure.message
        : failure.message);
      field.focus();
    }
  });

  // The providers this gateway takes users' keys for, as the server lists them (OpenRouter first).
  async function loadProviders() {
    try {
      const response = await fetch('/v1/providers', { headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const listed = await response.json();
      for (const select of [$('provider'), $('row-provider')]) {
        const chosen = select.value;
        select.replaceChildren(...listed.data.map((provider) => {
          const option = document.createElement('option');
          option.value = provider.id;
          option.textContent = provider.title;
          option.dataset.prefix = provider.model_prefix;
          return option;
        }));
        if (listed.data.some((provider) => provider.id === chosen)) select.value = chosen;
      }
      showPrefix();
    } catch (ignored) {
      // The default choice (OpenRouter) stays.
    }
  }

  function showPrefix() {
    const option = $('provider').selectedOptions[0];
    $('provider-prefix').textContent = (option ? option.dataset.prefix : 'openrouter-') + '…';
  }

  $('provider').addEventListener('change', showPrefix);
  loadProviders();

  $('sign-out').addEventListener('click', () => {
    managementKey = null;
    clearError();
    $('keys-body').replaceChildren();
    $('usage-body').replaceChildren();
    $('activity-body').replaceChildren();
    $('create-form').reset();
    signedIn(false);
    $('management-key').focus();
  });

  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const name = $('key-name').value.trim();
    const providerKey = $('provider-key').value.trim();
    const body = { name };
    if (providerKey) body.provider_keys = { [$('provider').value]: providerKey };
    const expires = $('key-expires').value;
    if (expires) {
      const at = new Date(expires).getTime();
      if (Number.isNaN(at)) {
        showError('create-error', 'The key was not created: the expiry is not a date and time.');
        $('key-expires').focus();
        return;
      }
      body.expires_at = Math.floor(at / 1000);
    }
    try {
      const created = await api('POST', '/v1/keys', body);
      $('create-form').reset();
      showPrefix();
      reveal(created.key);
      await refresh();
    } catch (failure) {
      showError('create-error', 'The key was not created: ' + failure.message);
    }
  });

  // Where focus goes when the reveal closes: the name field after a creation, the row's Rotate after a rotation.
  let revealReturn = null;

  function rowButton(keyId, text) {
    const row = document.querySelector('tr[data-key-id="' + keyId + '"]');
    return row && Array.from(row.querySelectorAll('button')).find((button) => button.textContent === text);
  }

  function reveal(secret, returnTo) {
    revealReturn = returnTo || null;
    const base = window.location.origin + '/v1';
    $('reveal-key').textContent = secret;
    $('reveal-curl').textContent = 'curl ' + base + '/chat/completions \\\n  -H "Authorization: Bearer ' + secret + '" \\\n'
      + '  -H "Content-Type: application/json" \\\n'
      + '  -d \'{"model":"openrouter-meta-llama/llama-3.1-8b-instruct","messages":[{"role":"user","content":"Hello"}]}\'';
    $('reveal-python').textContent = 'from openai import OpenAI\n\nclient = OpenAI(base_url="' + base + '", api_key="' + secret + '")\n'
      + 'reply = client.chat.completions.create(\n    model="openrouter-meta-llama/llama-3.1-8b-instruct",\n'
      + '    messages=[{"role": "user", "content": "Hello"}],\n)\nprint(reply.choices[0].message.content)';
    $('copy-status').textContent = '';
    $('reveal-dialog').showModal();
  }

  // The secret leaves the DOM whenever the dialog closes (Done, Escape).
  $('reveal-dialog').addEventListener('close', () => {
    for (const id of ['reveal-key', 'reveal-curl', 'reveal-python', 'copy-status']) $(id).textContent = '';
    const target = revealReturn ? revealReturn() : null;
    revealReturn = null;
    (target || $('key-name')).focus();
  });
  $('reveal-close').addEventListener('click', () => $('reveal-dialog').close());

  $('copy-key').addEventListener('click', async () => {
    const secret = $('reveal-key').textContent;
    try {
      await navigator.clipboard.writeText(secret);
      $('copy-status').textContent = 'Copied.';
    } catch (denied) {
      const range = document.createRange();
      range.selectNodeContents($('reveal-key'));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $('copy-status').textContent = 'Selected: press Ctrl+C (or Cmd+C) to copy.';
    }
  });

  // A row's provider keys change with the gateway key's own secret (they are sealed under it): the holder pastes it,
  // it is checked to be this row's key before anything is sent, and it leaves the field when the dialog closes.
  function describeProviderKeys(key) {
    const attached = Object.entries(key.provider_keys || {}).map(([name, p]) => name + ' ' + p.hint);
    $('provider-dialog-current').textContent = attached.length ? attached.join(', ') : 'none';
  }

  function askToChangeProviderKeys(key) {
    changing = key;
    $('provider-dialog-name').textContent = key.name + ' (' + key.id + ')';
    describeProviderKeys(key);
    for (const id of ['provider-error', 'provider-status']) $(id).textContent = '';
    if ($('row-provider').options.length === 0) {
      $('row-provider').replaceChildren(...Array.from($('provider').options).map((option) => option.cloneNode(true)));
    }
    $('provider-dialog').showModal();
    $('row-gateway-key').focus();
  }

  // A pasted secret must be the row's own key before anything is sent: else the error says so beside the field.
  function isSecretOf(key, secret, errorId, fieldId) {
    if (secret.startsWith('kw-' + key.id + '_')) return true;
    $(errorId).textContent = 'That is not the secret of the key ' + key.name + ' (' + key.id + '): nothing was changed.';
    $(fieldId).focus();
    return false;
  }

  async function changeProviderKey(method) {
    const key = changing;
    if (key === null) return;
    for (const id of ['provider-error', 'provider-status']) $(id).textContent = '';
    const secret = $('row-gateway-key').value.trim();
    const provider = $('row-provider').value;
    const title = $('row-provider').selectedOptions[0] ? $('row-provider').selectedOptions[0].textContent : provider;
    if (!isSecretOf(key, secret, 'provider-error', 'row-gateway-key')) return;
    const providerKey = $('row-provider-key').value.trim();
    if (method === 'PUT' && !providerKey) {
      $('provider-error').textContent = 'Enter the new key at ' + title + ' to save it.';
      $('row-provider-key').focus();
      return;
    }
    let json;
    try {
      json = await api(method, '/v1/key/provider-keys/' + encodeURIComponent(provider),
        method === 'PUT' ? { api_key: providerKey } : undefined, secret);
    } catch (failure) {
      $('provider-error').textContent = (method === 'PUT' ? 'The ' + title + ' key was not saved: ' : 'The ' + title + ' key was not removed: ')
        + failure.message;
      return;
    }
    $('row-provider-key').value = '';
    changing = json;
    describeProviderKeys(json);
    const unchecked = method === 'PUT' && json.provider_keys && json.provider_keys[provider] && json.provider_keys[provider].checked === false;
    $('provider-status').textContent = method === 'PUT'
      ? 'The ' + title + ' key was saved' + (unchecked ? ' (the provider could not be asked to confirm it).' : '.')
      : 'The ' + title + ' key was removed.';
    try { await refresh(); } catch (failure) { showError('keys-error', failure.message); }
  }

  $('provider-form').addEventListener('submit', (event) => {
    event.preventDefault();
    changeProviderKey('PUT');
  });
  $('row-detach').addEventListener('click', () => changeProviderKey('DELETE'));
  $('row-close').addEventListener('click', () => $('provider-dialog').close());
  // The pasted secret and provider key leave the page whenever the dialog closes (Close, Escape).
  $('provider-dialog').addEventListener('close', () => {
    // Focus goes back to the row's button (the row may have been drawn again after a change).
    const opener = changing && rowButton(changing.id, 'Provider keys');
    if (opener) opener.focus();
    changing = null;
    for (const id of ['row-gateway-key', 'row-provider-key']) $(id).value = '';
    for (const id of ['provider-error', 'provider-status', 'provider-dialog-current']) $(id).textContent = '';
  });

  function askToRevoke(key) {
    revoking = key;
    $('revoke-name').textContent = key.name + ' (' + key.id + ')';
    $('revoke-dialog').returnValue = '';
    $('revoke-dialog').showModal();
  }

  $('revoke-dialog').addEventListener('close', async () => {
    const key = revoking;
    revoking = null;
    if (key === null) return;
    if ($('revoke-dialog').returnValue !== 'revoke') {
      const opener = rowButton(key.id, 'Revoke');
      if (opener) opener.focus();
      return;
    }
    clearError();
    try {
      await api('DELETE', '/v1/keys/' + encodeURIComponent(key.id));
      const row = document.querySelector('tr[data-key-id="' + key.id + '"]');
      if (row) row.remove();
      await refresh();
      // The row that opened the dialog is gone: focus goes to the list's heading.
      $('keys-title').focus();
    } catch (failure) {
      showError('keys-error', 'The key was not revoked: ' + failure.message);
    }
  });

  // ---- A gateway key's rotation, from its row: it takes the key's current secret (its provider keys are sealed under
  // it); the new secret is revealed once, like a new key's.

  let rotating = null;

  function askToRotate(key) {
    rotating = key;
    $('rotate-name').textContent = key.name + ' (' + key.id + ')';
    $('rotate-error').textContent = '';
    $('rotate-grace').value = '300';
    $('rotate-dialog').showModal();
    $('rotate-secret').focus();
  }

  $('rotate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = rotating;
    if (key === null) return;
    $('rotate-error').textContent = '';
    const secret = $('rotate-secret').value.trim();
    if (!isSecretOf(key, secret, 'rotate-error', 'rotate-secret')) return;
    let json;
    try {
      json = await api('POST', '/v1/key/rotate', { grace_seconds: Number($('rotate-grace').value) }, secret);
    } catch (failure) {
      $('rotate-error').textContent = 'The key was not rotated: ' + failure.message;
      return;
    }
    $('rotate-dialog').close();
    reveal(json.key, () => rowButton(key.id, 'Rotate'));
    try { await refresh(); } catch (failure) { showError('keys-error', failure.message); }
  });
  $('rotate-close').addEventListener('click', () => $('rotate-dialog').close());
  // The pasted secret leaves the page whenever the dialog closes (Cancel, Escape, done).
  $('rotate-dialog').addEventListener('close', () => {
    rotating = null;
    $('rotate-secret').value = '';
    $('rotate-error').textContent = '';
  });

  // ---- The management key's rotation: the page signs in again with the new key, shown once.

  $('rotate-management').addEventListener('click', () => {
    $('management-title').textContent = 'Rotate the management key?';
    $('management-ask').hidden = false;
    $('management-shown').hidden = true;
    $('management-error').textContent = '';
    $('management-dialog').showModal();
    $('management-cancel').focus();
  });
  $('management-cancel').addEventListener('click', () => $('management-dialog').close());
  $('management-confirm').addEventListener('click', async () => {
    $('management-error').textContent = '';
    try {
      const rotated = await api('POST', '/v1/management-keys/rotate');
      managementKey = rotated.key;
      $('management-key-new').textContent = rotated.key;
      $('management-title').textContent = 'Your new management key';
      $('management-ask').hidden = true;
      $('management-shown').hidden = false;
      $('management-done').focus();
    } catch (failure) {
      $('management-error').textContent = 'The management key was not rotated: ' + failure.message;
    }
  });
  $('management-done').addEventListener('click', () => $('management-dialog').close());
  // The new key leaves the DOM when the dialog closes; the page keeps it in memory, like the one typed in.
  $('management-dialog').addEventListener('close', async () => {
    $('management-key-new').textContent = '';
    $('rotate-management').focus();
    try { await refresh(); } catch (failure) { showError('keys-error', failure.message); }
  });
})();
