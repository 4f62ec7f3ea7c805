// TLS posture dashboard of James TLS Provenance. Plain JavaScript, no framework.
//
// Safety rules of this file: every value that comes from the server or from pasted headers is untrusted text. It
// reaches the page only through textContent, DOM nodes and setAttribute on data-* attributes; never innerHTML,
// insertAdjacentHTML, document.write or eval. The Content-Security-Policy of the page forbids inline scripts anyway.
//
// The token: asked once, kept in sessionStorage (gone when the tab closes; never readable by another origin, and
// sent only in the Authorization header of requests to this origin). A 401 forgets it and asks again.
(function () {
  'use strict';

  var TOKEN_KEY = 'tls-provenance-webadmin-token';
  var loaded = {};
  var charts = [];

  // ---- DOM helpers (text only) ----

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function cell(row, field, value, className) {
    var td = el('td', className, value === undefined || value === null ? '' : value);
    td.setAttribute('data-field', field);
    row.appendChild(td);
    return td;
  }

  function numberCell(row, field, value) {
    return cell(row, field, typeof value === 'number' ? value : (value === undefined || value === null ? '' : String(value)), 'number');
  }

  // {"TLSv1.3":5,"TLSv1.2":1} -> "TLSv1.3: 5, TLSv1.2: 1"
  function counts(map) {
    if (!map || typeof map !== 'object') {
      return '';
    }
    return Object.keys(map).map(function (key) {
      return key + ': ' + map[key];
    }).join(', ');
  }

  function share(part, whole) {
    if (typeof part !== 'number' || typeof whole !== 'number' || whole <= 0) {
      return '';
    }
    return Math.round(part * 1000 / whole) / 10 + ' %';
  }

  function emptyRow(tbody, columns, text) {
    var tr = el('tr');
    var td = el('td', 'empty', text);
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }

  function setStatus(text) {
    $('status').textContent = text || '';
  }

  // ---- token and requests ----

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function askForToken(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    loaded = {};
    $('app').hidden = true;
    $('tabs').hidden = true;
    $('login').hidden = false;
    $('login-message').textContent = message || '';
    $('token-input').value = '';
    $('token-input').focus();
  }

  function Unauthorized() {
  }

  // Every data call: same origin, bearer token, JSON back. A 401 means the token is wrong or expired.
  function api(path, options) {
    options = options || {};
    var headers = {'Authorization': 'Bearer ' + token(), 'Accept': 'application/json'};
    if (options.contentType) {
      headers['Content-Type'] = options.contentType;
    }
    return fetch(path, {
      method: options.method || 'GET',
      headers: headers,
      body: options.body,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error'
    }).then(function (response) {
      if (response.status === 401) {
        askForToken('The server refused this token (wrong, expired, or not an admin token). Paste a new one.');
        throw new Unauthorized();
      }
      return response.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (e) {
          body = null;
        }
        if (!response.ok) {
          var why = body && typeof body.message === 'string' ? body.message : text;
          throw new Error(path.split('?')[0] + ' answered ' + response.status + (why ? ': ' + why : ''));
        }
        return body;
      });
    });
  }

  function failed(error) {
    if (!(error instanceof Unauthorized)) {
      setStatus(error && error.message ? error.message : String(error));
    }
  }

  // ---- tabs ----

  var loaders = {
    'panel-posture': loadPosture,
    'panel-policy': loadPolicy,
    'panel-certificates': loadCertificates,
    'panel-analyzer': function () {
      return Promise.resolve();
    }
  };

  function show(panelId) {
    Array.prototype.forEach.call(document.querySelectorAll('nav button[data-panel]'), function (button) {
      button.classList.toggle('active', button.getAttribute('data-panel') === panelId);
    });
    Array.prototype.forEach.call(document.querySelectorAll('.panel'), function (panel) {
      panel.hidden = panel.id !== panelId;
    });
    setStatus('');
    // The open tab is in the address (#posture, #policy, #certificates, #analyzer), for bookmarks and reloads.
    history.replaceState(null, '', '#' + panelId.replace('panel-', ''));
    if (!loaded[panelId]) {
      loaded[panelId] = true;
      loaders[panelId]().catch(function (error) {
        loaded[panelId] = false;
        failed(error);
      });
    }
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('tabs').hidden = false;
    var active = document.querySelector('nav button.active');
    var fromAddress = 'panel-' + location.hash.replace(/^#/, '');
    show(active ? active.getAttribute('data-panel') : (Object.prototype.hasOwnProperty.call(loaders, fromAddress) ? fromAddress : 'panel-posture'));
  }

  // ---- posture ----

  function loadPosture() {
    var query = [];
    var since = $('posture-since').value.trim();
    var domain = $('posture-domain').value.trim();
    if (since) {
      query.push('since=' + encodeURIComponent(since));
    }
    if (domain) {
      query.push('domain=' + encodeURIComponent(domain));
    }
    return api('/tls/posture' + (query.length ? '?' + query.join('&') : '')).then(renderPosture);
  }

  function renderPosture(posture) {
    posture = posture || {};
    $('posture-range').textContent = 'From ' + posture.since + ' to ' + posture.until
      + (posture.complete === false ? ' (incomplete: part of the ledger could not be read)' : '');
    var inbound = Array.isArray(posture.inbound) ? posture.inbound : [];
    var outbound = Array.isArray(posture.outbound) ? posture.outbound : [];

    var tbody = $('inbound-table').tBodies[0];
    clear(tbody);
    inbound.forEach(function (d) {
      var tr = el('tr');
      tr.setAttribute('data-domain', String(d.domain));
      tr.setAttribute('data-row', String(d.row));
      cell(tr, 'domain', d.domain);
      cell(tr, 'row', d.row);
      numberCell(tr, 'messages', d.messages);
      numberCell(tr, 'recipients', d.recipients);
      numberCell(tr, 'tls', d.tls);
      numberCell(tr, 'cleartext', d.cleartext);
      numberCell(tr, 'unknown', d.unknown);
      numberCell(tr, 'tls-share', share(d.tls, d.messages));
      cell(tr, 'protocols', counts(d.protocols));
      cell(tr, 'verify', counts(d.verify));
      numberCell(tr, 'client-certificates', d['client-certificates']);
      numberCell(tr, 'accepted', d.accepted);
      numberCell(tr, 'refused', d.refused);
      cell(tr, 'reasons', counts(d.reasons));
      numberCell(tr, 'fallbacks', d.fallbacks);
      numberCell(tr, 'requiretls', d.requiretls);
      tbody.appendChild(tr);
    });
    if (!inbound.length) {
      emptyRow(tbody, 16, 'No inbound mail in this period.');
    }

    tbody = $('outbound-table').tBodies[0];
    clear(tbody);
    outbound.forEach(function (d) {
      var tr = el('tr');
      tr.setAttribute('data-domain', String(d.domain));
      tr.setAttribute('data-row', String(d.row));
      cell(tr, 'domain', d.domain);
      cell(tr, 'row', d.row);
      cell(tr, 'level', counts(d.level));
      numberCell(tr, 'attempts', d.attempts);
      numberCell(tr, 'delivered', d.delivered);
      numberCell(tr, 'deferred', d.deferred);
      numberCell(tr, 'failed', d.failed);
      numberCell(tr, 'tls', d.tls);
      numberCell(tr, 'cleartext', d.cleartext);
      numberCell(tr, 'none', d.none);
      numberCell(tr, 'refused', d.refused);
      numberCell(tr, 'tls-share', share(d.tls, d.attempts));
      cell(tr, 'protocols', counts(d.protocols));
      cell(tr, 'verify', counts(d.verify));
      cell(tr, 'failures', counts(d.failures));
      numberCell(tr, 'fallbacks', d.fallbacks);
      numberCell(tr, 'requiretls', d.requiretls);
      tbody.appendChild(tr);
    });
    if (!outbound.length) {
      emptyRow(tbody, 17, 'No outbound attempt in this period.');
    }
    renderCharts(inbound, outbound);
  }

  function sumInto(target, map) {
    if (map && typeof map === 'object') {
      Object.keys(map).forEach(function (key) {
        var n = Number(map[key]);
        if (isFinite(n)) {
          target[key] = (target[key] || 0) + n;
        }
      });
    }
  }

  function renderCharts(inbound, outbound) {
    charts.forEach(function (chart) {
      chart.destroy();
    });
    charts = [];

    // TLS share per UTC day, inbound (mails) and outbound (attempts).
    var days = {};
    function addDays(list, totalField) {
      list.forEach(function (d) {
        (Array.isArray(d.days) ? d.days : []).forEach(function (day) {
          var slot = days[day.day] = days[day.day] || {inTotal: 0, inTls: 0, outTotal: 0, outTls: 0};
          if (totalField === 'messages') {
            slot.inTotal += Number(day.messages) || 0;
            slot.inTls += Number(day.tls) || 0;
          } else {
            slot.outTotal += Number(day.attempts) || 0;
            slot.outTls += Number(day.tls) || 0;
          }
        });
      });
    }
    addDays(inbound, 'messages');
    addDays(outbound, 'attempts');
    var dayNames = Object.keys(days).filter(function (day) {
      return /^\d{4}-\d{2}-\d{2}$/.test(day);
    }).sort();
    var x = dayNames.map(function (day) {
      return Date.parse(day + 'T00:00:00Z') / 1000;
    });
    var inShare = dayNames.map(function (day) {
      return days[day].inTotal ? days[day].inTls * 100 / days[day].inTotal : null;
    });
    var outShare = dayNames.map(function (day) {
      return days[day].outTotal ? days[day].outTls * 100 / days[day].outTotal : null;
    });
    var shareTarget = $('chart-tls-share');
    clear(shareTarget);
    if (typeof uPlot === 'function' && x.length) {
      charts.push(new uPlot({
        width: 520, height: 220,
        scales: {y: {range: [0, 100]}},
        series: [{}, {label: 'inbound TLS %', stroke: '#0b5cad', width: 2, points: {show: true}},
          {label: 'outbound TLS %', stroke: '#116329', width: 2, points: {show: true}}],
        axes: [{}, {values: function (u, splits) {
          return splits.map(function (v) {
            return v + '%';
          });
        }}]
      }, [x, inShare, outShare], shareTarget));
    } else if (!x.length) {
      shareTarget.appendChild(el('p', 'muted', 'No data.'));
    }

    var protocols = {};
    inbound.forEach(function (d) {
      sumInto(protocols, d.protocols);
    });
    outbound.forEach(function (d) {
      sumInto(protocols, d.protocols);
    });
    barChart($('chart-protocols'), $('protocols-table'), protocols, 'count', '#0b5cad');

    var failures = {};
    inbound.forEach(function (d) {
      sumInto(failures, d.reasons);
    });
    outbound.forEach(function (d) {
      sumInto(failures, d.failures);
    });
    barChart($('chart-failures'), $('failures-table'), failures, 'count', '#b42318');
  }

  // A bar per category (uPlot bars over the category index), and the same numbers as a small table.
  function barChart(target, legend, map, label, color) {
    clear(target);
    var tbody = legend.tBodies[0];
    clear(tbody);
    var names = Object.keys(map).sort();
    names.forEach(function (name) {
      var tr = el('tr');
      tr.setAttribute('data-name', name);
      cell(tr, 'name', name);
      numberCell(tr, 'count', map[name]);
      tbody.appendChild(tr);
    });
    if (!names.length) {
      target.appendChild(el('p', 'muted', 'None.'));
      return;
    }
    if (typeof uPlot !== 'function') {
      return;
    }
    var xs = names.map(function (name, i) {
      return i;
    });
    charts.push(new uPlot({
      width: 420, height: 220,
      scales: {x: {time: false, range: [-0.6, names.length - 0.4]}, y: {range: function (u, min, max) {
        return [0, Math.max(1, max) * 1.1];
      }}},
      legend: {show: false},
      series: [{}, {label: label, fill: color, stroke: color, paths: uPlot.paths.bars({size: [0.6, 80]}), points: {show: false}}],
      axes: [{splits: function () {
        return xs;
      }, values: function (u, splits) {
        return splits.map(function (i) {
          return names[i] === undefined ? '' : names[i];
        });
      }}, {}]
    }, [xs, names.map(function (name) {
      return map[name];
    })], target));
  }

  // ---- policy ----

  var POLICY_COLUMNS = ['row', 'namespace', 'inbound', 'outbound'];

  function loadPolicy() {
    return api('/tls/policy').then(function (policy) {
      policy = policy || {};
      $('policy-file').textContent = 'File ' + policy.file + ', loaded at ' + policy['loaded-at']
        + (policy['default-row'] ? '; a domain without a row gets ' + policy['default-row'] : '');
      var refused = policy['last-refused-edit'];
      $('policy-refused').textContent = refused && typeof refused === 'object'
        ? 'Last edit refused at ' + refused.at + ': ' + refused.reason + ' (the table above is still in force)'
        : '';
      var tbody = $('policy-table').tBodies[0];
      clear(tbody);
      var rows = Array.isArray(policy.rows) ? policy.rows : [];
      rows.forEach(function (row) {
        var tr = el('tr');
        tr.setAttribute('data-row', String(row.row));
        POLICY_COLUMNS.forEach(function (key) {
          cell(tr, key, row[key] === undefined || row[key] === null ? '' : String(row[key]));
        });
        // Keys a row sets; unset ones (null, false, empty lists) would only bury them.
        var others = Object.keys(row).filter(function (key) {
          var value = row[key];
          return POLICY_COLUMNS.indexOf(key) < 0 && value !== null && value !== false && value !== ''
            && !(Array.isArray(value) && value.length === 0);
        }).map(function (key) {
          var value = row[key];
          return key + '=' + (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value));
        });
        cell(tr, 'other', others.join('  '));
        tbody.appendChild(tr);
      });
      if (!rows.length) {
        emptyRow(tbody, 5, 'No rows: every domain gets the defaults.');
      }
    });
  }

  function checkPolicy(event) {
    event.preventDefault();
    var domain = $('policy-check-domain').value.trim();
    if (!domain) {
      return;
    }
    setStatus('');
    api('/tls/policy/check?domain=' + encodeURIComponent(domain)).then(function (check) {
      check = check || {};
      var inbound = check.inbound || {};
      var outbound = check.outbound || {};
      $('check-row').textContent = check.row === null || check.row === undefined ? 'no row (defaults)' : String(check.row);
      $('check-namespace').textContent = check.namespace === null || check.namespace === undefined ? '' : String(check.namespace);
      $('check-inbound-rule').textContent = inbound.rule === undefined || inbound.rule === null ? '' : String(inbound.rule);
      $('check-inbound-says').textContent = inbound.says === undefined || inbound.says === null ? '' : String(inbound.says);
      $('check-outbound-level').textContent = outbound.level === undefined || outbound.level === null ? '' : String(outbound.level);
      $('check-outbound-says').textContent = outbound.says === undefined || outbound.says === null ? '' : String(outbound.says);
      $('policy-check-result').hidden = false;
    }).catch(failed);
  }

  // ---- certificates ----

  function loadCertificates() {
    return api('/tls/certificates').then(function (listeners) {
      var tbody = $('certificates-table').tBodies[0];
      clear(tbody);
      (Array.isArray(listeners) ? listeners : []).forEach(function (c) {
        var tr = el('tr');
        tr.setAttribute('data-listener', String(c.listener));
        tr.setAttribute('data-port', String(c.port));
        cell(tr, 'listener', c.listener);
        numberCell(tr, 'port', c.port);
        cell(tr, 'mode', c.mode);
        var days = numberCell(tr, 'days-left', c['days-left']);
        if (typeof c['days-left'] === 'number' && c['days-left'] < 30) {
          days.classList.add('days-low');
        }
        cell(tr, 'not-after', c['not-after']);
        cell(tr, 'subject', c.subject);
        cell(tr, 'sans', Array.isArray(c.sans) ? c.sans.join(', ') : '');
        cell(tr, 'issuer', c.issuer);
        cell(tr, 'chain', c.error ? 'no certificate read: ' + c.error : c.chain);
        cell(tr, 'host-name-matches', c['host-name-matches'] === true ? 'yes (' + c['host-name'] + ')'
          : c['host-name-matches'] === false ? 'NO (' + c['host-name'] + ')' : '');
        tbody.appendChild(tr);
      });
      if (!tbody.rows.length) {
        emptyRow(tbody, 10, 'No TLS listener.');
      }
    });
  }

  // ---- header analyzer ----

  var droppedFile = null;

  function analyze(event) {
    event.preventDefault();
    var query = [];
    var body;
    var file = droppedFile || ($('analyzer-file').files && $('analyzer-file').files[0]);
    if (file) {
      // The file's name decides, as for the CLI, whether it is one message (.eml) or may be an mbox.
      query.push('file=' + encodeURIComponent(file.name));
      body = file;
    } else {
      body = $('analyzer-input').value;
    }
    var own = $('analyzer-own-host').value.trim();
    if (own) {
      query.push('own-host=' + encodeURIComponent(own));
    }
    setStatus('');
    api('/tls/verify' + (query.length ? '?' + query.join('&') : ''), {
      method: 'POST', body: body, contentType: 'text/plain; charset=utf-8'
    }).then(renderAnalysis).catch(failed);
  }

  function renderAnalysis(result) {
    var target = $('analysis');
    clear(target);
    var messages = result && Array.isArray(result.messages) ? result.messages : [];
    if (!messages.length) {
      target.appendChild(el('p', 'verdict unknown-hop', 'No message found in the input.'));
    }
    messages.forEach(function (message, m) {
      var section = el('section', 'message');
      section.setAttribute('data-message', String(m));
      section.appendChild(el('h3', null, 'Message ' + (message.messageId === null ? '(no Message-ID)' : message.messageId)));
      var verdict = el('p', 'verdict ' + String(message.verdict).replace(/[^a-z-]/g, ''));
      verdict.setAttribute('data-field', 'verdict');
      verdict.appendChild(el('strong', null, String(message.verdict)));
      if (message.note) {
        verdict.appendChild(document.createTextNode(': ' + message.note));
      }
      section.appendChild(verdict);
      var table = el('table', 'hops');
      var head = el('tr');
      ['Hop', 'From', 'By', 'Time', 'Delay', 'TLS', 'Protocol', 'Cipher', 'Client certificate', 'Trust boundary',
        'Counts', 'Read from'].forEach(function (title) {
        head.appendChild(el('th', null, title));
      });
      table.appendChild(el('thead')).appendChild(head);
      var tbody = table.appendChild(el('tbody'));
      (Array.isArray(message.hops) ? message.hops : []).forEach(function (hop) {
        var tr = el('tr');
        tr.setAttribute('data-hop', String(hop.index));
        numberCell(tr, 'index', hop.index);
        cell(tr, 'from', hop.from === null ? '?' : hop.from);
        cell(tr, 'by', hop.by === null ? '?' : hop.by);
        cell(tr, 'date', hop.date === null ? 'unknown' : hop.date);
        numberCell(tr, 'delay', typeof hop.delaySeconds === 'number' ? hop.delaySeconds + ' s' : '');
        cell(tr, 'tls', hop.tls, 'tls-' + String(hop.tls).replace(/[^a-z]/g, ''));
        cell(tr, 'protocol', hop.protocol === null ? '' : hop.protocol);
        cell(tr, 'cipher', hop.cipher === null ? '' : hop.cipher + (hop.weak ? ' (weak)' : ''));
        cell(tr, 'client-certificate', hop.clientCertificate === null || hop.clientCertificate === undefined ? '' : hop.clientCertificate);
        cell(tr, 'trusted', hop.trusted ? 'inside (trusted)' : 'outside (a claim)');
        cell(tr, 'applicable', hop.applicable ? 'yes' : 'no (local hand-over)');
        cell(tr, 'source', hop.source + (hop.family ? ', ' + hop.family : ''));
        tbody.appendChild(tr);
      });
      section.appendChild(table);
      target.appendChild(section);
    });
  }

  function wireAnalyzerDrop() {
    var area = $('analyzer-input');
    area.addEventListener('dragover', function (event) {
      event.preventDefault();
      area.classList.add('dragover');
    });
    area.addEventListener('dragleave', function () {
      area.classList.remove('dragover');
    });
    area.addEventListener('drop', function (event) {
      event.preventDefault();
      area.classList.remove('dragover');
      var file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
      if (file) {
        droppedFile = file;
        area.value = '';
        area.placeholder = 'File ' + file.name + ' (' + file.size + ' bytes): press Analyze';
      }
    });
    area.addEventListener('input', function () {
      droppedFile = null;
      $('analyzer-file').value = '';
    });
  }

  // ---- start ----

  document.addEventListener('DOMContentLoaded', function () {
    $('token-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = $('token-input').value.trim();
      if (!value) {
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, value);
      start();
    });
    $('forget-token').addEventListener('click', function () {
      askForToken('Token forgotten.');
    });
    Array.prototype.forEach.call(document.querySelectorAll('nav button[data-panel]'), function (button) {
      button.addEventListener('click', function () {
        show(button.getAttribute('data-panel'));
      });
    });
    $('posture-form').addEventListener('submit', function (event) {
      event.preventDefault();
      setStatus('');
      loadPosture().catch(failed);
    });
    $('policy-check-form').addEventListener('submit', checkPolicy);
    $('analyzer-form').addEventListener('submit', analyze);
    wireAnalyzerDrop();
    if (token()) {
      start();
    } else {
      askForToken('');
    }
  });
}());
