// The sandbox console's script: plain JavaScript, no build step, served from this origin only
// (the Content-Security-Policy allows nothing else). Every value that came from a request is
// written with textContent, never as HTML.
'use strict';

(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = {
    rows: new Map(), // journal seq → row
    order: [], // journal seqs, oldest first
    timeline: [],
    paused: false,
    held: [],
    selected: null,
    filter: { api: '', status: '', failed: false, path: '', key: '', operation: '', opStatus: '', opApi: '' },
    source: null,
    session: null,
  };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** A same-origin call; its problem's detail becomes the thrown error's message. */
  function api(method, url, body) {
    var init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (res) {
      if (res.status === 204) return null;
      return res.text().then(function (text) {
        var data;
        try { data = text ? JSON.parse(text) : null; } catch { data = text; }
        if (!res.ok) {
          var message = (data && (data.detail || (data.error && data.error.message) || data.statusDesc)) || ('HTTP ' + res.status);
          var error = new Error(message); error.status = res.status; throw error;
        }
        return data;
      });
    });
  }
  function showError(id, error) { $(id).textContent = error ? String(error.message || error) : ''; }

  // ---- session ------------------------------------------------------------------------------

  function boot() {
    api('GET', '/console/session').then(function (session) {
      state.session = session;
      if (!session.signed_in) return showSignIn();
      $('sign-in').hidden = true;
      $('console').hidden = false;
      $('sign-out').hidden = session.via === 'open';
      $('first-run-error').textContent = session.first_run ? '' : 'The guided first run needs this workspace\'s API credentials, which only a workspace created here keeps: press "New workspace".';
      $('workspace').textContent = session.workspace === 'default' ? 'default workspace' : 'workspace ' + session.workspace;
      connect();
      refreshClock(); refreshFaults(); refreshCoverage(); refreshRecords();
    }).catch(function (error) { showSignIn(); showError('sign-in-error', error); });
  }
  function showSignIn() {
    if (state.source) { state.source.close(); state.source = null; }
    $('console').hidden = true;
    $('sign-in').hidden = false;
    $('sign-out').hidden = true;
    $('workspace').textContent = '';
    $('connection').textContent = 'signed out';
    $('sign-in-key').focus();
  }
  $('sign-in-form').addEventListener('submit', function (event) {
    event.preventDefault();
    showError('sign-in-error');
    api('POST', '/console/session', { key: $('sign-in-key').value }).then(function () {
      $('sign-in-key').value = '';
      resetView();
      boot();
    }).catch(function (error) { showError('sign-in-error', error); });
  });
  function newWorkspace() {
    showError('sign-in-error');
    api('POST', '/console/workspaces', {}).then(function () { resetView(); boot(); showTab('first-run'); }).catch(function (error) { showSignIn(); showError('sign-in-error', error); });
  }
  $('new-workspace').addEventListener('click', newWorkspace);
  $('header-new-workspace').addEventListener('click', newWorkspace);
  $('sign-out').addEventListener('click', function () {
    api('DELETE', '/console/session').then(function () { resetView(); boot(); });
  });

  // ---- the stream ---------------------------------------------------------------------------

  function resetView() {
    if (state.source) { state.source.close(); state.source = null; }
    state.rows.clear(); state.order = []; state.timeline = []; state.held = []; state.selected = null;
    clear($('rows')); clear($('timeline')); $('detail').hidden = true; $('gap').hidden = true;
    updateCount();
  }

  function connect() {
    if (state.source) state.source.close();
    var source = new EventSource('/console/stream');
    state.source = source;
    source.addEventListener('open', function () { $('connection').textContent = 'live'; $('connection').className = 'connection live'; });
    source.addEventListener('error', function () {
      $('connection').textContent = source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…';
      $('connection').className = 'connection down';
      if (source.readyState === EventSource.CLOSED) setTimeout(boot, 2000);
    });
    source.addEventListener('hello', function (event) {
      var hello = JSON.parse(event.data);
      if (hello.fresh) { state.rows.clear(); state.order = []; state.timeline = []; state.held = []; clear($('rows')); clear($('timeline')); updateCount(); }
      if (hello.gap > 0) { $('gap').hidden = false; $('gap').textContent = hello.gap + ' events were dropped while this console was away (the journal is bounded).'; }
    });
    source.addEventListener('request', function (event) { onRow(JSON.parse(event.data)); });
    source.addEventListener('timeline', function (event) { onTimeline(JSON.parse(event.data)); });
  }

  function onRow(row) {
    if (state.rows.has(row.seq)) return; // never twice
    state.rows.set(row.seq, row);
    state.order.push(row.seq);
    addTimeline({ kind: 'request', row: row, time: row.time });
    if (state.paused) { state.held.push(row); updateCount(); return; }
    renderRow(row);
    updateCount();
    if (row.fault) refreshFaults();
    scheduleCoverage();
  }

  function onTimeline(event) {
    addTimeline(event);
    if (event.kind === 'cleared') {
      // Under --database a clear says through which row: rows another instance served after it stay.
      var through = typeof event.through === 'number' ? event.through : Infinity;
      state.order = state.order.filter(function (seq) { if (seq <= through) { state.rows.delete(seq); return false; } return true; });
      state.held = state.held.filter(function (row) { return row.seq > through; });
      var shown = $('rows').querySelectorAll('tr');
      for (var i = 0; i < shown.length; i++) if (Number(shown[i].dataset.seq) <= through) shown[i].remove();
      $('detail').hidden = true; updateCount();
    } else if (event.kind === 'fault_armed' || event.kind === 'fault_disarmed') refreshFaults();
    else if (event.kind === 'clock') { refreshClock(); showMoved(event.moved); refreshRecords(); }
    else if (event.kind === 'lifecycle') refreshRecords();
    else if (event.kind === 'reset') { refreshClock(); refreshFaults(); refreshCoverage(); refreshRecords(); }
  }

  // ---- journal rows -------------------------------------------------------------------------

  function statusClass(status) { return 's' + String(status).charAt(0) + 'xx'; }
  function clockTime(iso) { return String(iso).replace(/^\d{4}-\d{2}-\d{2}T/, '').replace(/Z$/, ''); }

  function visible(row) {
    var f = state.filter;
    if (f.api && (row.api || 'none') !== f.api) return false;
    if (f.status && String(row.status).charAt(0) !== f.status) return false;
    if (f.failed && row.matched_contract) return false;
    if (f.path && (row.path + row.query).toLowerCase().indexOf(f.path.toLowerCase()) < 0) return false;
    if (f.key && (row.idempotency_key || '').indexOf(f.key) < 0) return false;
    if (f.operation && (row.operation !== f.operation || row.api !== f.opApi)) return false;
    if (f.opStatus && !statusMatches(row.status, f.opStatus)) return false;
    return true;
  }
  function statusMatches(status, key) {
    if (key === 'default') return true;
    if (/^\dXX$/.test(key)) return String(status).charAt(0) === key.charAt(0);
    return String(status) === key;
  }

  function renderRow(row) {
    var tr = el('tr', null, 'row ' + statusClass(row.status) + (row.matched_contract ? '' : ' failed'));
    tr.dataset.seq = String(row.seq);
    tr.tabIndex = 0;
    tr.appendChild(el('td', clockTime(row.time), 'time'));
    tr.appendChild(el('td', row.api || '—', 'api'));
    tr.appendChild(el('td', row.method, 'method'));
    tr.appendChild(el('td', row.path + row.query, 'path'));
    tr.appendChild(el('td', row.status, 'status'));
    tr.appendChild(el('td', row.duration_ms, 'duration'));
    var verdict = el('td', null, 'verdict');
    verdict.appendChild(el('span', row.matched_contract ? 'matched' : 'failed', 'badge ' + (row.matched_contract ? 'ok' : 'bad')));
    tr.appendChild(verdict);
    var marks = el('td', null, 'marks');
    if (row.fault) marks.appendChild(el('span', 'fault #' + String(row.fault.id).replace(/^flt_/, ''), 'badge fault'));
    if (row.replayed) marks.appendChild(el('span', 'replay', 'badge replay'));
    tr.appendChild(marks);
    tr.hidden = !visible(row);
    tr.addEventListener('click', function () { openDetail(row.seq); });
    tr.addEventListener('keydown', function (event) { if (event.key === 'Enter') openDetail(row.seq); });
    var body = $('rows');
    body.insertBefore(tr, body.firstChild); // newest first
  }

  function applyFilters() {
    var rows = $('rows').children;
    for (var i = 0; i < rows.length; i++) {
      var row = state.rows.get(Number(rows[i].dataset.seq));
      rows[i].hidden = !row || !visible(row);
    }
    updateCount();
  }
  function updateCount() {
    var shown = 0; var rows = $('rows').children;
    for (var i = 0; i < rows.length; i++) if (!rows[i].hidden) shown++;
    $('journal-count').textContent = String(shown) + (state.held.length ? ' (+' + state.held.length + ' paused)' : '');
  }

  ['filter-api', 'filter-status', 'filter-failed', 'filter-path', 'filter-key'].forEach(function (id) {
    $(id).addEventListener('input', readFilters);
    $(id).addEventListener('change', readFilters);
  });
  function readFilters() {
    state.filter.api = $('filter-api').value;
    state.filter.status = $('filter-status').value;
    state.filter.failed = $('filter-failed').checked;
    state.filter.path = $('filter-path').value;
    state.filter.key = $('filter-key').value;
    applyFilters();
  }
  $('filters').addEventListener('submit', function (event) { event.preventDefault(); });
  $('filter-operation').addEventListener('click', function () {
    state.filter.operation = ''; state.filter.opStatus = ''; $('filter-operation').hidden = true; applyFilters();
  });

  $('pause').addEventListener('click', function () {
    state.paused = !state.paused;
    $('pause').textContent = state.paused ? 'Resume' : 'Pause';
    $('pause').setAttribute('aria-pressed', String(state.paused));
    if (!state.paused) { state.held.splice(0).forEach(renderRow); updateCount(); }
  });
  $('clear').addEventListener('click', function () { api('DELETE', '/_sandbox/requests').catch(function () {}); });

  // ---- detail -------------------------------------------------------------------------------

  function openDetail(seq) {
    var row = state.rows.get(seq);
    if (!row) return;
    state.selected = seq;
    if (!row.request) {
      // The stream sends summaries; the exchange is fetched when a row is opened.
      api('GET', '/console/requests/' + seq).then(function (full) {
        state.rows.set(seq, full);
        if (state.selected === seq) openDetail(seq);
      }).catch(function (error) { $('detail').hidden = false; $('detail-title').textContent = String(error.message || error); clear($('detail-body')); });
      return;
    }
    var rows = $('rows').children;
    for (var i = 0; i < rows.length; i++) rows[i].classList.toggle('selected', Number(rows[i].dataset.seq) === seq);
    $('detail').hidden = false;
    $('detail-title').textContent = row.method + ' ' + row.path + ' → ' + row.status;
    var body = $('detail-body');
    clear(body);
    var facts = el('dl', null, 'facts');
    [['time', row.time], ['API', row.api || '—'], ['operation', row.operation || 'none documented'], ['duration', row.duration_ms + ' ms'],
      ['contract', row.matched_contract ? 'matched' : 'failed'], ['fault', row.fault ? row.fault.id : '—'], ['idempotency key', row.idempotency_key || '—'], ['replay', row.replayed ? 'yes (Idempotent-Replayed)' : 'no']]
      .forEach(function (pair) { facts.appendChild(el('dt', pair[0])); facts.appendChild(el('dd', pair[1])); });
    body.appendChild(facts);
    if (row.violations.length > 0) {
      body.appendChild(el('h3', 'Contract violations'));
      var list = el('ul', null, 'violations');
      row.violations.forEach(function (v) {
        var li = el('li', null, 'violation');
        li.appendChild(el('div', v.message, 'message'));
        var dl = el('dl');
        [['in', v.in], ['pointer', v.pointer === '' ? '(the request as a whole)' : v.pointer], ['expected', v.expected], ['actual', v.actual === null ? '—' : v.actual], ['spec operation', v.operation || '—']]
          .forEach(function (pair) { dl.appendChild(el('dt', pair[0])); dl.appendChild(el('dd', pair[1], 'v-' + pair[0].replace(' ', '-'))); });
        li.appendChild(dl);
        list.appendChild(li);
      });
      body.appendChild(list);
    }
    if (row.failure) body.appendChild(el('p', row.failure.kind + ': ' + row.failure.message, 'failure'));
    section(body, 'Request headers', row.request.headers);
    bodySection(body, 'Request body', row.request.body);
    section(body, 'Response headers', row.response.headers);
    bodySection(body, 'Response body', row.response.body);
    $('detail-curl').textContent = curlOf(row);
  }
  function section(parent, title, headers) {
    parent.appendChild(el('h3', title));
    var table = el('table', null, 'headers');
    Object.keys(headers).forEach(function (name) {
      var tr = el('tr'); tr.appendChild(el('th', name)); tr.appendChild(el('td', headers[name])); table.appendChild(tr);
    });
    parent.appendChild(table);
  }
  function bodySection(parent, title, shown) {
    parent.appendChild(el('h3', title));
    if (shown.kind === 'none') { parent.appendChild(el('p', shown.note || '(empty)', 'none')); return; }
    parent.appendChild(el('pre', typeof shown.value === 'string' ? shown.value : JSON.stringify(shown.value, null, 2), 'body'));
    if (shown.truncated) parent.appendChild(el('p', '(cut: the console keeps the first 64 KiB)', 'none'));
  }
  function shellQuote(text) { return "'" + String(text).replace(/'/g, "'\\''") + "'"; }
  function curlOf(row) {
    var parts = ['curl', '-i', '-X', row.method, shellQuote(location.origin + row.path + row.query)];
    var skip = { host: 1, 'content-length': 1, connection: 1, 'accept-encoding': 1, cookie: 1 };
    Object.keys(row.request.headers).forEach(function (name) {
      if (skip[name] || /^sec-|^user-agent$/.test(name)) return;
      parts.push('-H', shellQuote(name + ': ' + row.request.headers[name]));
    });
    var b = row.request.body;
    if (b.kind !== 'none') {
      var type = row.request.headers['content-type'] || '';
      var text = typeof b.value === 'string' ? b.value : /x-www-form-urlencoded/.test(type) ? new URLSearchParams(b.value).toString() : JSON.stringify(b.value);
      parts.push('--data-raw', shellQuote(text));
    }
    return parts.join(' ');
  }
  $('detail-close').addEventListener('click', function () { $('detail').hidden = true; state.selected = null; });
  $('copy-curl').addEventListener('click', function () {
    var text = $('detail-curl').textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { $('copy-curl').textContent = 'Copied'; }, function () { $('copy-curl').textContent = 'Select the text above to copy'; });
  });

  // ---- timeline -----------------------------------------------------------------------------

  function describe(event) {
    switch (event.kind) {
      case 'request': return event.row.method + ' ' + event.row.path + ' → ' + event.row.status + (event.row.fault ? ' (fault ' + event.row.fault.id + ' fired)' : '') + (event.row.replayed ? ' (replay)' : '') + (event.row.matched_contract ? '' : ' ✗ contract');
      case 'clock': return 'clock advanced ' + event.seconds + ' s to ' + event.now + (event.moved.length ? '; moved: ' + event.moved.map(function (m) { return m.api + ' ' + m.id + ' ' + m.from + '→' + m.to; }).join(', ') : '');
      case 'fault_armed': return 'fault ' + event.fault.id + ' armed: ' + event.fault.method + ' ' + event.fault.path + ' → ' + (event.fault.status === null ? 'delay' : event.fault.status) + (event.fault.latency_ms ? ' after ' + event.fault.latency_ms + ' ms' : '') + ' ×' + event.fault.count;
      case 'fault_disarmed': return event.id ? 'fault ' + event.id + ' disarmed' : 'every fault disarmed';
      case 'lifecycle': return event.api + ' distribution ' + event.id + ' moved ' + (event.from || '?') + ' → ' + event.to;
      case 'reset': return 'sandbox reset to its fixtures';
      case 'cleared': return 'journal cleared';
      default: return event.kind;
    }
  }
  function addTimeline(event) {
    state.timeline.push(event);
    var li = el('li', null, 'event ' + event.kind);
    li.appendChild(el('time', clockTime(event.time)));
    li.appendChild(el('span', event.kind === 'request' ? 'request' : event.kind.replace('_', ' '), 'kind'));
    li.appendChild(el('span', describe(event), 'what'));
    var list = $('timeline');
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 2000) list.removeChild(list.lastChild);
  }

  // ---- records ------------------------------------------------------------------------------

  function refreshRecords() {
    api('GET', '/console/records').then(function (data) {
      var body = $('records'); clear(body);
      $('records-total').textContent = data.total + ' distribution' + (data.total === 1 ? '' : 's') + (data.total > data.records.length ? ' (newest ' + data.records.length + ' shown)' : '');
      data.records.forEach(function (record) {
        var tr = el('tr'); tr.dataset.id = record.id;
        tr.appendChild(el('td', record.api));
        tr.appendChild(el('td', record.id, 'id'));
        tr.appendChild(el('td', null)).appendChild(el('span', record.status, 'badge status-' + record.status));
        tr.appendChild(el('td', record.amount));
        tr.appendChild(el('td', record.updated));
        var history = el('td', null, 'history');
        if (!record.history.length) history.appendChild(el('span', 'created ' + record.created, 'none'));
        record.history.forEach(function (h) { history.appendChild(el('div', clockTime(h.time) + ' ' + (h.from || '?') + ' → ' + h.to + (h.by === 'clock' ? ' (clock)' : ''))); });
        tr.appendChild(history);
        var moves = el('td', null, 'moves');
        record.moves.forEach(function (move) {
          var button = el('button', move.status);
          button.type = 'button';
          button.dataset.move = move.status;
          if (!move.allowed) { button.disabled = true; button.title = move.reason; }
          else button.addEventListener('click', function () {
            showError('records-error');
            api('POST', '/_sandbox/' + record.api + '/distributions/' + encodeURIComponent(record.id) + '/status', { status: move.status })
              .then(refreshRecords).catch(function (error) { showError('records-error', error); });
          });
          moves.appendChild(button);
        });
        tr.appendChild(moves);
        body.appendChild(tr);
      });
    }).catch(function (error) { showError('records-error', error); });
  }
  $('records-refresh').addEventListener('click', refreshRecords);

  // ---- clock --------------------------------------------------------------------------------

  function refreshClock() {
    api('GET', '/_sandbox/clock').then(function (clock) {
      $('clock-reading').textContent = clock.now;
      $('clock-now').textContent = clock.now + (clock.frozen ? ' (frozen)' : '');
      $('clock-mode').textContent = clock.frozen ? 'frozen' : 'running';
      $('clock-offset').textContent = 'offset ' + clock.offset_seconds + ' s';
      $('freeze').disabled = clock.frozen; $('unfreeze').disabled = !clock.frozen;
    }).catch(function (error) { showError('clock-error', error); });
  }
  function advance(seconds) {
    showError('clock-error');
    api('POST', '/_sandbox/clock/advance', { seconds: seconds }).then(refreshClock).catch(function (error) { showError('clock-error', error); });
  }
  function showMoved(moved) {
    var list = $('clock-moved'); clear(list);
    if (!moved.length) { list.appendChild(el('li', 'no distribution moved', 'none')); return; }
    moved.forEach(function (m) { list.appendChild(el('li', m.api + ' ' + m.id + ': ' + m.from + ' → ' + m.to)); });
  }
  document.querySelectorAll('[data-advance]').forEach(function (button) {
    button.addEventListener('click', function () { advance(Number(button.dataset.advance)); });
  });
  $('advance-form').addEventListener('submit', function (event) {
    event.preventDefault();
    advance(Number($('advance-amount').value) * Number($('advance-unit').value));
  });
  $('freeze').addEventListener('click', function () { api('POST', '/console/clock', { frozen: true }).then(refreshClock); });
  $('unfreeze').addEventListener('click', function () { api('POST', '/console/clock', { frozen: false }).then(refreshClock); });

  // ---- faults -------------------------------------------------------------------------------

  function refreshFaults() {
    api('GET', '/_sandbox/faults').then(function (data) {
      var body = $('faults'); clear(body);
      if (!data.faults.length) { var tr0 = el('tr'); var td0 = el('td', 'no fault armed', 'none'); td0.colSpan = 7; tr0.appendChild(td0); body.appendChild(tr0); }
      data.faults.forEach(function (fault) {
        var tr = el('tr'); tr.dataset.id = fault.id;
        [fault.id, fault.method, fault.path, fault.status === null ? '—' : fault.status, fault.latency_ms + ' ms', fault.remaining + ' of ' + fault.count].forEach(function (v) { tr.appendChild(el('td', v)); });
        var td = el('td'); var button = el('button', 'Disarm'); button.type = 'button';
        button.addEventListener('click', function () { api('DELETE', '/_sandbox/faults/' + encodeURIComponent(fault.id)).then(refreshFaults).catch(function (error) { showError('fault-error', error); }); });
        td.appendChild(button); tr.appendChild(td); body.appendChild(tr);
      });
    }).catch(function (error) { showError('fault-error', error); });
  }
  $('fault-form').addEventListener('submit', function (event) {
    event.preventDefault();
    showError('fault-error');
    var spec = { method: $('fault-method').value, path: $('fault-path').value, count: Number($('fault-count').value) || 1 };
    if ($('fault-status').value !== '') spec.status = Number($('fault-status').value);
    if (Number($('fault-latency').value) > 0) spec.latency_ms = Number($('fault-latency').value);
    api('POST', '/_sandbox/faults', spec).then(refreshFaults).catch(function (error) { showError('fault-error', error); });
  });

  // ---- coverage -----------------------------------------------------------------------------

  var coverageTimer = null;
  function scheduleCoverage() {
    if (coverageTimer !== null) return;
    coverageTimer = setTimeout(function () { coverageTimer = null; refreshCoverage(); }, 300);
  }
  function refreshCoverage() {
    api('GET', '/_sandbox/coverage').then(function (report) {
      var s = report.summary;
      $('coverage-summary').textContent = 'operations exercised ' + s.operations_exercised + '/' + s.operations_total + ', documented statuses ' + s.statuses_exercised + '/' + s.statuses_total + ' (since ' + report.since + ')';
      var root = $('coverage'); clear(root);
      Object.keys(report.apis).forEach(function (name) {
        root.appendChild(el('h3', name));
        var table = el('table', null, 'coverage-grid');
        report.apis[name].operations.forEach(function (op) {
          var tr = el('tr');
          tr.appendChild(el('th', op.method + ' ' + op.path));
          tr.appendChild(el('td', op.operationId, 'op'));
          var cells = el('td', null, 'cells');
          Object.keys(op.statuses).concat(Object.keys(op.undocumented_statuses)).forEach(function (status) {
            var documented = Object.prototype.hasOwnProperty.call(op.statuses, status);
            var n = documented ? op.statuses[status] : op.undocumented_statuses[status];
            var cell = el('button', status + ' · ' + n, 'cell ' + (n > 0 ? 'hit' : 'miss') + (documented ? '' : ' undocumented'));
            cell.type = 'button';
            cell.dataset.api = name; cell.dataset.operation = op.operationId; cell.dataset.status = status;
            cell.title = (documented ? '' : 'undocumented status; ') + 'show these requests in the journal';
            cell.addEventListener('click', function () {
              state.filter.operation = op.operationId; state.filter.opStatus = status; state.filter.opApi = name;
              $('filter-operation').hidden = false;
              $('filter-operation').textContent = op.operationId + ' ' + status + ' ×';
              applyFilters(); showTab('journal');
            });
            cells.appendChild(cell);
          });
          tr.appendChild(cells);
          table.appendChild(tr);
        });
        root.appendChild(table);
      });
    }).catch(function () {});
  }

  // ---- guided first run ---------------------------------------------------------------------

  document.querySelectorAll('[data-step]').forEach(function (button) {
    button.addEventListener('click', function () {
      var step = button.dataset.step;
      var out = document.querySelector('[data-result="' + step + '"]');
      showError('first-run-error');
      button.disabled = true;
      api('POST', '/console/first-run/' + step).then(function (result) {
        out.textContent = result.requests.map(function (r) { return r.method + ' ' + r.path + ' → ' + r.status; }).join('; ');
        out.className = 'step-result done';
      }).catch(function (error) { showError('first-run-error', error); }).then(function () { button.disabled = false; });
    });
  });

  // ---- tabs and keys ------------------------------------------------------------------------

  function showTab(name) {
    document.querySelectorAll('[data-tab]').forEach(function (tab) { tab.setAttribute('aria-selected', String(tab.dataset.tab === name)); });
    document.querySelectorAll('.tab').forEach(function (panel) { panel.hidden = panel.id !== 'tab-' + name; });
    if (name === 'records') refreshRecords();
    if (name === 'coverage') refreshCoverage();
  }
  document.querySelectorAll('[data-tab]').forEach(function (tab) { tab.addEventListener('click', function () { showTab(tab.dataset.tab); }); });
  document.addEventListener('keydown', function (event) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement && document.activeElement.tagName);
    if (event.key === 'Escape') { $('detail').hidden = true; return; }
    if (typing) return;
    if (event.key === '/') { event.preventDefault(); showTab('journal'); $('filter-path').focus(); }
    if (event.key === 'j' || event.key === 'k') {
      var rows = Array.prototype.filter.call($('rows').children, function (r) { return !r.hidden; });
      if (!rows.length) return;
      var at = rows.findIndex(function (r) { return Number(r.dataset.seq) === state.selected; });
      var next = rows[Math.max(0, Math.min(rows.length - 1, at + (event.key === 'j' ? 1 : -1)))] || rows[0];
      openDetail(Number(next.dataset.seq)); next.focus();
    }
  });

  boot();
})();
