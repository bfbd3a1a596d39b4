// xvpc console: the map (server-rendered SVG, the same picture as
// `xvpc diagram`), traces and the reachability matrix from the reachability
// engine, redrawn within a second of any API change. Read-only: it only
// GETs the map and asks analysis questions; it never changes the state.
'use strict';

const POLL_MS = 800;
const $ = (sel) => document.querySelector(sel);

const view = {
  version: null,        // last seen /_xvpc/version
  source: null,         // instance id
  destination: null,    // instance id
  trace: null,          // last analysis (reach's JSON) or {error}
  tracing: false,
  matrix: null,
};

function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
}

function setStatus(text, error) {
  const el = $('#status');
  el.textContent = text;
  el.classList.toggle('error', !!error);
}

// ---- the map ----------------------------------------------------------

function instances() {
  return [...document.querySelectorAll('#map g.node.instance')].map((g) => ({ id: g.dataset.id, label: g.dataset.label }));
}

function fillSelect(sel, items, value) {
  const opts = ['<option value="">—</option>'].concat(
    items.map((i) => `<option value="${esc(i.id)}">${esc(i.label === i.id ? i.id : i.label + ' (' + i.id + ')')}</option>`));
  sel.innerHTML = opts.join('');
  sel.value = items.some((i) => i.id === value) ? value : '';
}

async function refresh() {
  // Grouped by stack: the same map, each region's VPCs framed by stack.
  const group = $('#group-stack').checked ? '?group=stack' : '';
  const resp = await fetch('/console/diagram.svg' + group, { cache: 'no-store' });
  if (!resp.ok) throw new Error('diagram.svg answered ' + resp.status);
  $('#map').innerHTML = await resp.text();
  const list = instances();
  if (!list.some((i) => i.id === view.source)) view.source = null;
  if (!list.some((i) => i.id === view.destination)) view.destination = null;
  fillSelect($('#source'), list, view.source);
  fillSelect($('#destination'), list, view.destination);
  if (view.source && view.destination) await runTrace();
  else paint();
}

/// The drawn element of a resource id, if the map shows it.
function drawn(id) {
  if (!id) return null;
  const all = [...document.querySelectorAll('#map g[data-id]')];
  return all.find((g) => g.dataset.id === id) ||
    all.find((g) => (g.dataset.aliases || '').split(' ').includes(id)) || null;
}

/// Centre of a drawn element in SVG coordinates (an edge: its path's midpoint).
function centre(g) {
  const path = g.querySelector('path');
  if (g.classList.contains('edge') && path) {
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    return { x: p.x, y: p.y };
  }
  const r = g.querySelector('rect');
  const x = +r.getAttribute('x'), y = +r.getAttribute('y');
  return { x: x + +r.getAttribute('width') / 2, y: y + +r.getAttribute('height') / 2 };
}

function paint() {
  const svg = $('#map svg');
  if (!svg) return;
  svg.querySelectorAll('.trace-overlay').forEach((n) => n.remove());
  svg.querySelectorAll('.hop, .on-path, .blocker, .selected-source, .selected-destination')
    .forEach((n) => n.classList.remove('hop', 'on-path', 'blocker', 'selected-source', 'selected-destination'));
  const src = drawn(view.source), dst = drawn(view.destination);
  if (src) src.classList.add('selected-source');
  if (dst) dst.classList.add('selected-destination');
  const t = view.trace;
  if (!t || !Array.isArray(t.forward)) return;
  const overlay = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  overlay.setAttribute('class', 'trace-overlay');
  // Hops: the components the packet passes through, in order. Those the map
  // draws (instances, peering connections, TGWs, endpoints...) are lit; the
  // VPCs and subnets it crosses are outlined.
  const points = [];
  for (const hop of t.forward) {
    for (const id of [hop.vpc, hop.subnet]) {
      const g = drawn(id);
      if (g) g.classList.add('on-path');
    }
    const g = drawn(hop.component && hop.component.id);
    if (!g) continue;
    g.classList.add('hop');
    const c = centre(g);
    const last = points[points.length - 1];
    if (!last || last.x !== c.x || last.y !== c.y) points.push(c);
  }
  if (dst && t.reachable && points.length) {
    const c = centre(dst);
    const last = points[points.length - 1];
    if (last.x !== c.x || last.y !== c.y) points.push(c);
  }
  if (points.length > 1) {
    const pl = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    pl.setAttribute('points', points.map((p) => `${p.x},${p.y}`).join(' '));
    pl.setAttribute('class', 'trace-path' + (t.reachable ? '' : ' blocked'));
    overlay.appendChild(pl);
  }
  // Blockers: the component itself when drawn; else the drawn box next to
  // it on the path (a security group blocks at its ENI, i.e. the instance);
  // else where it sits (subnet, VPC).
  for (const b of t.blockers || []) {
    const id = b.component && b.component.id;
    const hops = b.direction === 'return' ? (t['return'] || []) : t.forward;
    const k = hops.findIndex((h) => h.component && h.component.id === id);
    const hop = hops[k] || {};
    const near = (i) => hops[i] && hops[i].component && hops[i].component.kind === 'network-interface' ? drawn(hops[i].component.id) : null;
    const g = drawn(id) || (k >= 0 && (near(k + 1) || near(k - 1))) || drawn(hop.subnet) || drawn(hop.vpc);
    if (!g) continue;
    g.classList.add('blocker');
    const c = centre(g);
    const mark = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    mark.setAttribute('class', 'blocker-mark');
    mark.setAttribute('x', c.x);
    mark.setAttribute('y', c.y - (g.querySelector('rect') ? +g.querySelector('rect').getAttribute('height') / 2 + 4 : 8));
    mark.setAttribute('text-anchor', 'middle');
    mark.textContent = '✖ ' + b.code;
    overlay.appendChild(mark);
  }
  svg.appendChild(overlay);
}

// ---- traces -------------------------------------------------------------

function componentText(c) {
  if (!c) return '';
  const kind = c.kind ? c.kind.replace(/-/g, ' ') : '';
  return `${kind} ${c.name ? c.name + ' (' + c.id + ')' : c.id}`;
}

function detailText(d) {
  if (!d || d.type === 'none') return '';
  switch (d.type) {
    case 'acl-rule': return `rule ${d.rule_number} ${d.allow ? 'allow' : 'deny'} ${d.protocol} ${d.cidr}`;
    case 'sg-rule': return `${d.direction} ${d.protocol} ${d.port_range ? d.port_range.join('-') : 'all'} ${d.cidr || d.peer_group || ''}`;
    case 'route': return `route ${d.destination} → ${d.target} (${d.state})`;
    case 'tgw-route': return `TGW route ${d.destination} → ${d.attachment || '-'} (${d.route_type}, ${d.state})`;
    case 'listener': return `listener ${d.protocol}:${d.port}`;
    case 'target': return `target ${d.id} ${d.ip}:${d.port}`;
    case 'text': return d.text;
    default: return '';
  }
}

async function runTrace() {
  view.source = $('#source').value || null;
  view.destination = $('#destination').value || null;
  if (!view.source || !view.destination) { view.trace = null; render(); return; }
  // The body of POST /_xvpc/trace (crates/api/src/reachability.rs).
  const query = {
    source: view.source,
    destination: view.destination,
    protocol: $('#protocol').value,
    port: Number($('#port').value || 0),
  };
  view.tracing = true;
  try {
    const resp = await fetch('/_xvpc/trace', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
    const text = await resp.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (resp.status === 404 && !(body && body.error && !/^no operational endpoint/.test(body.error))) {
      view.trace = { unavailable: 'The reachability engine is not available on this server (POST /_xvpc/trace answered 404).' };
    } else if (!resp.ok) {
      view.trace = { error: (body && (body.error || body.message)) || `POST /_xvpc/trace answered ${resp.status}` };
    } else {
      view.trace = body.analysis || body;
    }
  } catch (e) {
    view.trace = { error: String(e) };
  } finally {
    view.tracing = false;
  }
  render();
}

function renderTrace() {
  const t = view.trace;
  const el = $('#result');
  if (!t) { el.innerHTML = ''; return; }
  if (t.unavailable) { el.innerHTML = `<div class="verdict unavailable">${esc(t.unavailable)}</div>`; return; }
  if (t.error) { el.innerHTML = `<div class="verdict blocked">${esc(t.error)}</div>`; return; }
  const proto = $('#protocol').value, port = $('#port').value;
  let html = `<div id="verdict" class="verdict ${t.reachable ? 'reachable' : 'blocked'}">` +
    `${esc(view.source)} → ${esc(view.destination)} ${esc(proto)}/${esc(port)}: ${t.reachable ? 'reachable' : 'blocked'}</div>`;
  const blockers = t.blockers || [];
  if (blockers.length) {
    html += `<h3>${blockers.length} blocker${blockers.length > 1 ? 's' : ''}</h3>`;
    for (const b of blockers) {
      const c = b.component || {};
      html += `<div class="blocker" data-component="${esc(c.id)}">` +
        `<div><span class="code">${esc(b.code)}</span> <span class="muted">${esc(b.direction || '')}</span></div>` +
        `<div>${esc(componentText(c))} <span class="muted">account ${esc(c.owner)} ${esc(c.region)}</span></div>` +
        `<div>${esc(b.explanation)}</div>`;
      if (b.fix) {
        html += `<div>Fix, run as account <span class="account">${esc(b.fix.account)}</span> (${esc(b.fix.region)}):</div>` +
          `<pre class="fix">${esc(b.fix.command)}</pre>`;
      } else {
        html += '<div class="muted">No single command fixes this.</div>';
      }
      html += '</div>';
    }
  }
  for (const [title, hops] of [['Forward path', t.forward || []], ['Return path', t['return'] || []]]) {
    if (!hops.length) continue;
    html += `<h3>${title}</h3><ol class="hops">` + hops.map((h) =>
      `<li class="${h.verdict === 'block' ? 'block' : ''}" data-component="${esc(h.component && h.component.id)}">` +
      `${esc(componentText(h.component))} <span class="muted">${esc(detailText(h.detail))}</span></li>`).join('') + '</ol>';
  }
  el.innerHTML = html;
}

function render() {
  renderTrace();
  paint();
}

function onMapClick(ev) {
  const g = ev.target.closest('g.node.instance');
  if (!g) return;
  const id = g.dataset.id;
  if (!view.source || (view.source && view.destination)) {
    view.source = id;
    view.destination = null;
    view.trace = null;
    $('#source').value = id;
    $('#destination').value = '';
    render();
  } else if (id !== view.source) {
    view.destination = id;
    $('#destination').value = id;
    runTrace();
  }
}

// ---- the matrix ---------------------------------------------------------

async function runMatrix() {
  const proto = $('#matrix-protocol').value, port = Number($('#matrix-port').value || 0);
  const el = $('#matrix');
  try {
    const resp = await fetch(`/_xvpc/matrix?protocol=${encodeURIComponent(proto)}&port=${port}`, { cache: 'no-store' });
    const text = await resp.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (resp.status === 404 && !(body && body.rows)) {
      el.innerHTML = '<div class="verdict unavailable">The reachability matrix is not available on this server (GET /_xvpc/matrix answered 404).</div>';
      return;
    }
    if (!resp.ok) throw new Error((body && body.error) || `GET /_xvpc/matrix answered ${resp.status}`);
    view.matrix = body;
    renderMatrix(body, proto, port);
  } catch (e) {
    el.innerHTML = `<div class="verdict blocked">${esc(e)}</div>`;
  }
}

/// A matrix is {endpoints: [{id, label}], rows: [[true|false|null...]]}:
/// rows[i][j] says whether endpoints[i] reaches endpoints[j].
function renderMatrix(m, proto, port) {
  const eps = m.endpoints || [];
  const name = (e) => esc(e.label || e.name || e.id);
  let html = `<table class="matrix"><tr><th>from \\ to (${esc(proto)}/${esc(port)})</th>` + eps.map((e) => `<th title="${esc(e.id)}">${name(e)}</th>`).join('') + '</tr>';
  eps.forEach((src, i) => {
    html += `<tr><th title="${esc(src.id)}">${name(src)}</th>`;
    eps.forEach((dst, j) => {
      const v = (m.rows[i] || [])[j];
      if (i === j || v == null) html += '<td class="self">·</td>';
      else html += `<td class="${v ? 'yes' : 'no'}" data-source="${esc(src.id)}" data-destination="${esc(dst.id)}">${v ? '✔' : '✖'}</td>`;
    });
    html += '</tr>';
  });
  $('#matrix').innerHTML = html + '</table>';
}

function showView(name) {
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.dataset.view === name));
  $('#view-map').classList.toggle('hidden', name !== 'map');
  $('#view-matrix').classList.toggle('hidden', name !== 'matrix');
  if (name === 'matrix') runMatrix();
}

// ---- live updates -------------------------------------------------------

async function poll() {
  try {
    const resp = await fetch('/_xvpc/version', { cache: 'no-store' });
    const { version } = await resp.json();
    if (version !== view.version) {
      await refresh();
      view.version = version;
      document.body.dataset.version = version;
      if (!$('#view-matrix').classList.contains('hidden')) await runMatrix();
    }
    setStatus(`live · change ${version} · ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    setStatus('server unreachable: ' + e.message, true);
  }
  setTimeout(poll, POLL_MS);
}

$('#map').addEventListener('click', onMapClick);
$('#trace-form').addEventListener('submit', (ev) => { ev.preventDefault(); runTrace(); });
$('#clear-btn').addEventListener('click', () => {
  view.source = view.destination = view.trace = null;
  $('#source').value = $('#destination').value = '';
  render();
});
$('#source').addEventListener('change', () => { view.source = $('#source').value || null; view.trace = null; render(); });
$('#destination').addEventListener('change', () => { view.destination = $('#destination').value || null; view.trace = null; render(); });
$('#group-stack').addEventListener('change', () => refresh().catch((e) => setStatus(e.message, true)));
$('#matrix-form').addEventListener('submit', (ev) => { ev.preventDefault(); runMatrix(); });
$('#matrix').addEventListener('click', (ev) => {
  const td = ev.target.closest('td.no, td.yes');
  if (!td) return;
  showView('map');
  view.source = td.dataset.source;
  view.destination = td.dataset.destination;
  $('#source').value = view.source;
  $('#destination').value = view.destination;
  $('#protocol').value = $('#matrix-protocol').value;
  $('#port').value = $('#matrix-port').value;
  runTrace();
});
document.querySelectorAll('.tab').forEach((t) => t.addEventListener('click', () => showView(t.dataset.view)));
poll();
