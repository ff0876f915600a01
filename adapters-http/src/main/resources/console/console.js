'use strict';
// The Keyway console: a management key's holder lists, creates and revokes gateway keys through the JSON API.
// The management key lives in this closure only (no storage, no cookie); a revealed gateway key is in the DOM only
// while its dialog is open.
(function () {
  let managementKey = null;
  let revoking = null;
  let changing = null;

  const $ = (id) => document.getElementById(id);
  // Each error is said next to what caused it: the sign-in form, the create form, or the keys table (revoking).
  const showError = (where, text) => { $(where).textContent = text; };
  const clearError = () => { for (const id of ['sign-in-error', 'create-error', 'keys-error']) $(id).textContent = ''; };

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + managementKey };
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
      const actions = cell(row, '');
      const change = document.createElement('button');
      change.type = 'button';
      change.textContent = 'Provider keys';
      change.setAttribute('aria-label', 'Provider keys of ' + key.name);
      change.addEventListener('click', () => askToChangeProviderKeys(key));
      actions.appendChild(change);
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.textContent = 'Revoke';
      revoke.className = 'danger';
      revoke.setAttribute('aria-label', 'Revoke ' + key.name);
      revoke.addEventListener('click', () => askToRevoke(key));
      actions.appendChild(revoke);
      body.appendChild(row);
    }
  }

  async function refresh() {
    const list = await api('GET', '/v1/keys');
    render(list.data);
    await loadActivity();
  }

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
    $('sign-out').hidden = !yes;
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

  function reveal(secret) {
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
    $('key-name').focus();
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

  async function changeProviderKey(method) {
    const key = changing;
    if (key === null) return;
    for (const id of ['provider-error', 'provider-status']) $(id).textContent = '';
    const secret = $('row-gateway-key').value.trim();
    const provider = $('row-provider').value;
    const title = $('row-provider').selectedOptions[0] ? $('row-provider').selectedOptions[0].textContent : provider;
    if (!secret.startsWith('kw-' + key.id + '_')) {
      $('provider-error').textContent = 'That is not the secret of the key ' + key.name + ' (' + key.id + '): nothing was changed.';
      $('row-gateway-key').focus();
      return;
    }
    const providerKey = $('row-provider-key').value.trim();
    if (method === 'PUT' && !providerKey) {
      $('provider-error').textContent = 'Enter the new key at ' + title + ' to save it.';
      $('row-provider-key').focus();
      return;
    }
    const headers = { Authorization: 'Bearer ' + secret };
    if (method === 'PUT') headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch('/v1/key/provider-keys/' + encodeURIComponent(provider), {
        method, headers, cache: 'no-store', body: method === 'PUT' ? JSON.stringify({ api_key: providerKey }) : undefined,
      });
    } catch (unreachable) {
      $('provider-error').textContent = 'Keyway could not be reached. Check your connection and try again.';
      return;
    }
    let json = null;
    try { json = await response.json(); } catch (notJson) { /* said below */ }
    if (!response.ok) {
      const message = json && json.error && json.error.message ? json.error.message : 'The request failed with status ' + response.status + '.';
      $('provider-error').textContent = (method === 'PUT' ? 'The ' + title + ' key was not saved: ' : 'The ' + title + ' key was not removed: ') + message;
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
    if ($('revoke-dialog').returnValue !== 'revoke' || key === null) return;
    clearError();
    try {
      await api('DELETE', '/v1/keys/' + encodeURIComponent(key.id));
      const row = document.querySelector('tr[data-key-id="' + key.id + '"]');
      if (row) row.remove();
      await refresh();
    } catch (failure) {
      showError('keys-error', 'The key was not revoked: ' + failure.message);
    }
  });
})();
