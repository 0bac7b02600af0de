// Dashboard for mypoll-bridge: live device events from the Vert.x event bus
// (SockJS bridge at /eventbus), per-node status, a trigger form and the
// timer period control.
//
// Events can arrive at tens of thousands per second, so the bus handlers only
// store into fixed-size buffers and bump counters; the DOM is written at most
// once per animation frame, into table rows created once at start.
'use strict';

(() => {
  const EVENT_ROWS = 200;            // rows kept in the live events table
  const CHART_SECONDS = 300;         // width of the events/s chart
  const CHART_HEIGHT = 220;
  const TABLE_MIN_INTERVAL_MS = 50;  // redraw the events table at most ~20 times/s
  const REQUEST_TIMEOUT_MS = 10000;  // give up on a bus reply after this
  const MIN_STALE_MS = 10000;        // status older than this (or 3 intervals) is stale
  const EVENT_TYPES = ['timer', 'manual', 'burst', 'overrun'];

  const $ = (id) => document.getElementById(id);
  const numberFormat = new Intl.NumberFormat('en-US');
  const fmtInt = (n) => numberFormat.format(n);
  const utf8 = new TextEncoder();

  // ---- state ---------------------------------------------------------------

  const config = { allowControl: false, payloadMax: 40, node: '' };

  // Devices by "node/id": what /api/devices and the status messages said.
  const devices = new Map();
  // Per node: when its last device status and bridge status arrived.
  const nodes = new Map();

  // Ring buffer of the newest events, shown newest first.
  const ring = new Array(EVENT_ROWS);
  let ringHead = 0;   // next slot to write
  let ringSize = 0;

  const typeCounts = { timer: 0, manual: 0, burst: 0, overrun: 0 };
  let totalCount = 0;
  let overrunLost = 0;  // sum of "lost" over the overrun events received here

  // Events counted since the last chart tick: total and per "device@node".
  let tickTotal = 0;
  const tickByKey = new Map();

  let paused = false;
  let eventsDirty = false;   // counters need drawing
  let tableDirty = false;    // events table needs drawing
  let lastTableRender = 0;
  let statusDirty = false;   // devices table, latency, lost, dropped need drawing
  let frameRequested = false;

  // ---- rendering, once per frame ------------------------------------------

  function scheduleRender() {
    if (!frameRequested) {
      frameRequested = true;
      requestAnimationFrame(render);
    }
  }

  function render(now) {
    frameRequested = false;
    if (eventsDirty) {
      eventsDirty = false;
      renderCounters();
    }
    // Nobody reads a table that scrolls 60 times a second, and rewriting it
    // is the costliest part of a frame: redraw it ~20 times a second at most.
    if (tableDirty && !paused) {
      if (now - lastTableRender >= TABLE_MIN_INTERVAL_MS) {
        renderEvents();
      } else {
        scheduleRender();
      }
    }
    if (statusDirty) {
      statusDirty = false;
      renderStatus();
    }
  }

  const counterEls = Object.fromEntries(EVENT_TYPES.map((t) => [t, $('count-' + t)]));
  const totalEl = $('count-total');

  function renderCounters() {
    for (const t of EVENT_TYPES) setText(counterEls[t], fmtInt(typeCounts[t]));
    setText(totalEl, fmtInt(totalCount));
    // Overrun events carry a loss count before the next status arrives.
    renderLost();
  }

  // Writes only when the text changed, to spare the browser style work.
  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  // The N event rows are built once; each cell keeps a Text node whose data
  // is replaced, so showing events never creates DOM nodes.
  const eventRows = buildEventRows();

  function buildEventRows() {
    const tbody = $('events').tBodies[0];
    const rows = [];
    for (let i = 0; i < EVENT_ROWS; i++) {
      const tr = document.createElement('tr');
      tr.hidden = true;
      const cells = {};
      for (const name of ['time', 'device', 'seq', 'type', 'payload', 'latency']) {
        const td = document.createElement('td');
        td.className = name;
        cells[name] = td.appendChild(document.createTextNode(''));
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
      rows.push({ tr, cells, event: null });
    }
    return rows;
  }

  function renderEvents() {
    tableDirty = false;
    lastTableRender = performance.now();
    const showNode = multiNode;
    for (let i = 0; i < EVENT_ROWS; i++) {
      const row = eventRows[i];
      const ev = i < ringSize ? ring[(ringHead - 1 - i + EVENT_ROWS) % EVENT_ROWS] : null;
      if (row.event === ev) continue;
      row.event = ev;
      if (!ev) {
        row.tr.hidden = true;
        continue;
      }
      const c = row.cells;
      c.time.data = timeOfDay(ev.time);
      c.device.data = showNode ? `${ev.device}@${ev.node}` : String(ev.device);
      c.seq.data = ev.seq == null ? '' : String(ev.seq);
      c.type.data = String(ev.type);
      c.payload.data = ev.type === 'overrun' ? `${ev.lost} lost` : (ev.payload ?? '');
      c.latency.data = fmtLatency(ev.latencyUs);
      if (row.tr.dataset.type !== ev.type) row.tr.dataset.type = ev.type;
      row.tr.hidden = false;
    }
  }

  // "2026-11-23T13:11:27.027152Z" -> "13:11:27.027152" (keeps the microseconds
  // that Date would drop).
  function timeOfDay(iso) {
    if (typeof iso !== 'string') return '';
    const t = iso.indexOf('T');
    return t < 0 ? iso : iso.slice(t + 1).replace(/Z$/, '');
  }

  function fmtLatency(us) {
    if (typeof us !== 'number' || !isFinite(us)) return '—';
    return us < 1000 ? `${us.toFixed(1)} µs` : `${(us / 1000).toFixed(2)} ms`;
  }

  // ---- status: devices table, latency, lost, dropped -----------------------

  // Node names are shown next to device ids only when there is more than one.
  let multiNode = false;

  function knownNodeCount() {
    const seen = new Set();
    for (const d of devices.values()) seen.add(d.node);
    // Events may come from nodes whose status has not arrived yet.
    for (const key of chartKeys) seen.add(key.slice(key.lastIndexOf('@') + 1));
    multiNode = seen.size > 1;
    return seen.size;
  }

  function isFresh(receivedAt, intervalMs) {
    const limit = Math.max(MIN_STALE_MS, 3 * (intervalMs || 0));
    return receivedAt > 0 && Date.now() - receivedAt <= limit;
  }

  function deviceKey(node, id) {
    return `${node}/${id}`;
  }

  // Upserts devices. With fromNode set, the list is that node's complete set,
  // so its devices missing from the list are removed.
  function mergeDevices(list, fromNode, withStats) {
    const now = Date.now();
    const listed = new Set();
    for (const d of list) {
      if (!d || d.id == null) continue;
      const node = d.node ?? fromNode ?? '';
      const key = deviceKey(node, d.id);
      listed.add(key);
      const rec = devices.get(key) || { id: String(d.id), node, stats: null, statsAt: 0, intervalMs: 0 };
      for (const f of ['type', 'path', 'mode', 'open', 'closedReason', 'online']) {
        if (d[f] !== undefined) rec[f] = d[f];
      }
      if (withStats) {
        rec.stats = d;
        rec.statsAt = now;
        rec.intervalMs = withStats.intervalMs;
      }
      devices.set(key, rec);
    }
    if (fromNode != null) {
      for (const [key, rec] of devices) {
        if (rec.node === fromNode && !listed.has(key)) devices.delete(key);
      }
    }
    statusDirty = true;
    knownNodeCount();
    refreshDeviceSelects();
    scheduleRender();
  }

  function onStatus(status) {
    if (!status || typeof status !== 'object') return;
    const node = status.node ?? '';
    const n = nodes.get(node) || { bridge: null, bridgeAt: 0 };
    nodes.set(node, n);
    if (Array.isArray(status.devices)) {
      mergeDevices(status.devices, node, { intervalMs: status.intervalMs });
    }
    if (status.bridge && typeof status.bridge === 'object') {
      n.bridge = status.bridge;
      n.bridgeAt = Date.now();
    }
    statusDirty = true;
    scheduleRender();
  }

  function renderStatus() {
    renderDevicesTable();

    // The worst device decides the headline latency: a single slow device
    // should not hide behind fast ones.
    let p50 = null;
    let p99 = null;
    for (const d of devices.values()) {
      const lat = d.stats && d.stats.latencyUs;
      if (!lat || !(lat.samples > 0) || !isFresh(d.statsAt, d.intervalMs)) continue;
      if (typeof lat.p50 === 'number') p50 = Math.max(p50 ?? lat.p50, lat.p50);
      if (typeof lat.p99 === 'number') p99 = Math.max(p99 ?? lat.p99, lat.p99);
    }
    setText($('latency-p50'), p50 == null ? '—' : fmtLatency(p50));
    setText($('latency-p99'), p99 == null ? '—' : fmtLatency(p99));

    // Bridge counters are cumulative per node; add up the latest of each.
    let dropped = 0;
    let sockets = 0;
    for (const n of nodes.values()) {
      if (!n.bridge) continue;
      dropped += Number(n.bridge.dropped) || 0;
      if (isFresh(n.bridgeAt, 0)) sockets += Number(n.bridge.sockets) || 0;
    }
    setText($('dropped'), fmtInt(dropped));
    setText($('bridge-sockets'), fmtInt(sockets));
    renderLost();
  }

  function renderLost() {
    // Status totals are cumulative per device; overrun events may report a
    // loss before the next status does, so show whichever is higher.
    let fromStatus = 0;
    for (const d of devices.values()) fromStatus += (d.stats && Number(d.stats.lost)) || 0;
    setText($('lost'), fmtInt(Math.max(fromStatus, overrunLost)));
  }

  function renderDevicesTable() {
    const tbody = $('devices').tBodies[0];
    const list = [...devices.values()].sort((a, b) =>
      a.node.localeCompare(b.node) || a.id.localeCompare(b.id));
    const rows = [];
    if (list.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = tr.insertCell();
      td.colSpan = 13;
      td.textContent = 'No devices known yet.';
      rows.push(tr);
    }
    for (const d of list) {
      const s = isFresh(d.statsAt, d.intervalMs) ? d.stats : null;
      const lat = (s && s.latencyUs) || {};
      // A device whose node left the cluster is offline, whatever it was before.
      const state = d.online === false ? 'offline (node left)'
        : d.open === true ? 'open'
        : d.open === false ? 'closed' + (d.closedReason ? `: ${d.closedReason}` : '') : '—';
      const cells = [
        d.id, d.node, d.type ?? '—', d.path ?? '—', d.mode ?? '—', state,
        s ? fmtInt(s.events?.total ?? 0) : '—',
        s && typeof s.ratePerSec === 'number' ? fmtRate(s.ratePerSec) : '—',
        s && lat.samples > 0 ? fmtLatency(lat.p50) : '—',
        s && lat.samples > 0 ? fmtLatency(lat.p99) : '—',
        d.stats ? fmtInt(Number(d.stats.lost) || 0) : '—',
        d.stats ? fmtInt(Number(d.stats.gaps) || 0) : '—',
        s && s.lastSeq != null ? String(s.lastSeq) : '—',
      ];
      const tr = document.createElement('tr');
      if (d.open === false || d.online === false) tr.className = 'closed';
      else if (!s) tr.className = 'stale';
      cells.forEach((text, i) => {
        const td = tr.insertCell();
        td.textContent = text;
        if (i === 5) td.className = 'state';
        if (i >= 6) td.className = 'num';
      });
      rows.push(tr);
    }
    tbody.replaceChildren(...rows);
  }

  function fmtRate(v) {
    return v >= 100 ? fmtInt(Math.round(v)) : v.toFixed(1);
  }

  // Both forms pick from the unique device ids: the bus addresses
  // (mypoll.trigger.<id>) name a device, not a node.
  let selectIds = '';
  function refreshDeviceSelects() {
    const byId = new Map();
    for (const d of devices.values()) {
      if (!byId.has(d.id)) byId.set(d.id, []);
      byId.get(d.id).push(d.node);
    }
    const ids = [...byId.keys()].sort();
    const signature = JSON.stringify([...byId].sort());
    if (signature === selectIds) return;
    selectIds = signature;
    for (const select of [$('trigger-device'), $('period-device')]) {
      const current = select.value;
      select.replaceChildren(...ids.map((id) => {
        const label = multiNode ? `${id} (${byId.get(id).join(', ')})` : id;
        return new Option(label, id, false, id === current);
      }));
      if (!ids.includes(current) && ids.length) select.value = ids[0];
    }
  }

  // ---- events/s chart ------------------------------------------------------

  // Columns of the chart: x in Unix seconds, total, then one per device@node.
  const chartData = { x: [], total: [], byKey: new Map() };
  let chart = null;
  let chartKeys = [];
  let lastTick = performance.now();
  const chartEl = $('rate-chart');
  const palette = ['#4e9af1', '#e8a33d', '#5cb85c', '#c76ad6', '#e05d5d', '#3fb7b0', '#a3a847', '#8c8cf2'];

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  // uPlot takes its series at creation; a new device means a new chart.
  function buildChart() {
    if (chart) chart.destroy();
    const fg = cssVar('--muted');
    const grid = cssVar('--grid');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const value = (u, v) => (v == null ? '—' : fmtRate(v));
    const series = [
      {},
      { label: 'total', stroke: cssVar('--fg'), width: 2, value },
      ...chartKeys.map((key, i) => ({ label: key, stroke: palette[i % palette.length], width: 1.5, value })),
    ];
    chart = new uPlot({
      width: Math.max(200, chartEl.clientWidth),
      height: CHART_HEIGHT,
      series,
      scales: {
        x: {
          time: true,
          // Always show the full window, even before it has filled up.
          // The window ends at the newest point, or now before there is one.
          range: () => {
            const xs = chartData.x;
            const end = xs.length ? xs[xs.length - 1] : Date.now() / 1000;
            return [end - CHART_SECONDS, end];
          },
        },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [axis, { ...axis, size: 60, values: (u, vals) => vals.map((v) => fmtRate(v)) }],
      cursor: { drag: { x: false, y: false } },
    }, chartColumns(), chartEl);
  }

  function chartColumns() {
    return [chartData.x, chartData.total, ...chartKeys.map((k) => chartData.byKey.get(k))];
  }

  // Once a second: turn the counts since the last tick into one point.
  function chartTick() {
    const now = performance.now();
    // Dividing by the real elapsed time keeps the rate right when a
    // background tab runs timers late.
    const seconds = Math.max(0.001, (now - lastTick) / 1000);
    lastTick = now;

    let grew = false;
    for (const key of tickByKey.keys()) {
      if (!chartData.byKey.has(key)) {
        // The device sent nothing here before, so its past is zero.
        chartData.byKey.set(key, new Array(chartData.x.length).fill(0));
        chartKeys.push(key);
        grew = true;
      }
    }
    chartData.x.push(Date.now() / 1000);
    chartData.total.push(tickTotal / seconds);
    for (const key of chartKeys) chartData.byKey.get(key).push((tickByKey.get(key) || 0) / seconds);
    tickTotal = 0;
    tickByKey.clear();

    if (chartData.x.length > CHART_SECONDS) {
      for (const col of chartColumns()) col.shift();
    }
    if (grew) knownNodeCount();
    if (grew || !chart) buildChart();
    else chart.setData(chartColumns());

    // Status freshness changes with time alone, so redraw it too.
    statusDirty = true;
    scheduleRender();
  }

  new ResizeObserver(() => {
    if (chart) chart.setSize({ width: Math.max(200, chartEl.clientWidth), height: CHART_HEIGHT });
  }).observe(chartEl);

  // ---- event bus -----------------------------------------------------------

  const connectionEl = $('connection');
  let bus = null;
  let requestSeq = 0;
  const pending = new Map();  // request id -> finish(err, reply)

  function onEventMessage(err, msg) {
    if (err || !msg) return;
    const ev = msg.body;
    if (!ev || typeof ev !== 'object') return;

    ring[ringHead] = ev;
    ringHead = (ringHead + 1) % EVENT_ROWS;
    if (ringSize < EVENT_ROWS) ringSize++;

    totalCount++;
    if (typeCounts[ev.type] !== undefined) typeCounts[ev.type]++;
    if (ev.type === 'overrun') overrunLost += Number(ev.lost) || 0;

    tickTotal++;
    const key = `${ev.device}@${ev.node}`;
    tickByKey.set(key, (tickByKey.get(key) || 0) + 1);

    eventsDirty = true;
    tableDirty = true;
    scheduleRender();
  }

  function onStatusMessage(err, msg) {
    if (!err && msg) onStatus(msg.body);
  }

  function setConnection(state) {
    if (connectionEl.dataset.state === state) return;
    connectionEl.dataset.state = state;
    connectionEl.textContent = state;
  }

  let openedBefore = false;
  let retryDelay = 0;   // ms before the next attempt; grows while the server is away
  let retryTimer = 0;

  // One EventBus per connection attempt, with our own backoff instead of the
  // client's enableReconnect: that way the page knows exactly when an attempt
  // starts ("connecting") and when it has failed ("disconnected").
  function connect() {
    setConnection('connecting');
    const b = new EventBus(new URL('eventbus', document.baseURI).href);
    bus = b;

    b.onopen = () => {
      retryDelay = 0;
      setConnection('connected');
      // A new socket has no registrations, so every (re)connection registers.
      b.registerHandler('mypoll.events', onEventMessage);
      b.registerHandler('mypoll.status', onStatusMessage);
      // After a reconnection the server may have restarted with other
      // devices or settings; the first connection uses the load at start.
      if (openedBefore) loadInitialState();
      openedBefore = true;
    };

    b.onclose = () => {
      if (bus !== b) return;
      setConnection('disconnected');
      failPending('The connection closed before the server replied.');
      scheduleReconnect();
    };

    // Errors the bridge sends without an address (e.g. "access_denied" for
    // a send it does not permit) cannot be matched to a request; with one
    // request in flight at most per form, failing them all is accurate.
    b.onerror = (e) => {
      if (e && e.body) failPending(`The bridge refused the request: ${e.body}.`);
    };
    // Other unmatched messages (e.g. a reply after its timeout) are ignored.
    b.onunhandled = (json) => {
      if (json && json.type === 'err') b.onerror(json);
    };
  }

  // Exponential backoff, 1 s doubling to 10 s, with jitter so that many pages
  // do not all come back at the same instant after a server restart.
  function scheduleReconnect() {
    clearTimeout(retryTimer);
    retryDelay = Math.min(10000, retryDelay ? retryDelay * 2 : 1000);
    const wait = Math.round(retryDelay * (0.75 + Math.random() * 0.5));
    connectionEl.title = `next attempt in ${Math.round(wait / 1000)} s`;
    retryTimer = setTimeout(() => {
      connectionEl.title = '';
      connect();
    }, wait);
  }

  function failPending(message) {
    for (const finish of [...pending.values()]) finish(new Error(message));
  }

  // send() with a reply, as a promise that settles exactly once.
  function busRequest(address, body) {
    return new Promise((resolve, reject) => {
      if (!bus || bus.state !== EventBus.OPEN) {
        reject(new Error('Not connected to the server.'));
        return;
      }
      const id = ++requestSeq;
      const finish = (err, reply) => {
        if (!pending.delete(id)) return;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(reply);
      };
      const timer = setTimeout(() => finish(new Error('The server did not reply in time.')), REQUEST_TIMEOUT_MS);
      pending.set(id, finish);
      try {
        bus.send(address, body, {}, (err, msg) => {
          if (err) finish(new Error(err.message || err.failureType || 'The request failed.'));
          else finish(null, msg && msg.body);
        });
      } catch (e) {
        finish(e);
      }
    });
  }

  // ---- REST ----------------------------------------------------------------

  async function rest(method, path, body) {
    let res;
    try {
      res = await fetch(new URL(path, document.baseURI), {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new Error('Cannot reach the server.');  // fetch's own text says less
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the error message
    }
    if (!res.ok) {
      throw new Error((data && data.error) || text || `${res.status} ${res.statusText}`);
    }
    return data;
  }

  // Sends over the bus when connected, else over REST, which does the same.
  function command(address, restMethod, restPath, body) {
    if (bus && bus.state === EventBus.OPEN) return busRequest(address, body);
    return rest(restMethod, restPath, body);
  }

  async function loadInitialState() {
    const [cfg, list, status] = await Promise.allSettled([
      rest('GET', 'api/config'), rest('GET', 'api/devices'), rest('GET', 'api/status'),
    ]);
    if (cfg.status === 'fulfilled' && cfg.value) {
      Object.assign(config, cfg.value);
      $('server-node').textContent = config.node || '—';
      $('control').hidden = config.allowControl !== true;
      updatePayloadHint();
    }
    if (list.status === 'fulfilled' && Array.isArray(list.value)) mergeDevices(list.value, null, null);
    // The snapshot fills the devices table before the first status message.
    if (status.status === 'fulfilled' && status.value && Array.isArray(status.value.devices)) {
      mergeDevices(status.value.devices, null, { intervalMs: 0 });
    }
  }

  // ---- trigger form --------------------------------------------------------

  const payloadEl = $('trigger-payload');
  const triggerError = $('trigger-error');
  const triggerOk = $('trigger-ok');
  let sizeErrorShown = false;

  function payloadProblem(bytes) {
    const max = config.payloadMax;
    if (bytes === 0) return `Payload is empty; enter 1 to ${max} bytes.`;
    if (bytes > max) return `Payload is ${bytes} bytes; the limit is ${max} bytes.`;
    return '';
  }

  function updatePayloadHint() {
    const bytes = utf8.encode(payloadEl.value).length;
    $('trigger-bytes').textContent = `${bytes}/${config.payloadMax} bytes`;
    $('trigger-bytes').classList.toggle('over', bytes > config.payloadMax);
    // Take back a size complaint once the user has fixed the payload.
    if (sizeErrorShown && !payloadProblem(bytes)) showTriggerError('');
  }

  function showTriggerError(text, isSize = false) {
    triggerError.textContent = text;
    sizeErrorShown = isSize && text !== '';
    if (text) triggerOk.textContent = '';
  }

  async function onTrigger(e) {
    e.preventDefault();
    const id = $('trigger-device').value;
    const payload = payloadEl.value;
    // Checked here so an oversized payload never leaves the page.
    const problem = payloadProblem(utf8.encode(payload).length);
    if (problem) {
      showTriggerError(problem, true);
      return;
    }
    if (!id) {
      showTriggerError('No device to trigger yet.');
      return;
    }
    const button = $('trigger-button');
    button.disabled = true;
    try {
      await command(`mypoll.trigger.${id}`, 'POST', `api/devices/${encodeURIComponent(id)}/trigger`, { payload });
      showTriggerError('');
      flash(triggerOk, `Sent to ${id}.`);
    } catch (err) {
      showTriggerError(`Trigger failed: ${err.message}`);
    } finally {
      button.disabled = false;
    }
  }

  // ---- period control ------------------------------------------------------

  async function onPeriod(e) {
    e.preventDefault();
    const id = $('period-device').value;
    const raw = $('period-ms').value.trim();
    const periodMs = Number(raw);
    const errorEl = $('period-error');
    const okEl = $('period-ok');
    errorEl.textContent = '';
    okEl.textContent = '';
    if (!id) {
      errorEl.textContent = 'No device to control yet.';
      return;
    }
    if (raw === '' || !isFinite(periodMs) || periodMs < 0) {
      errorEl.textContent = 'Enter a period in milliseconds: 0 or more (0 stops the timer).';
      return;
    }
    const button = $('period-button');
    button.disabled = true;
    try {
      const reply = await command(`mypoll.control.${id}`, 'PUT', `api/devices/${encodeURIComponent(id)}/period`,
        { periodMs });
      const ms = reply && typeof reply.periodMs === 'number' ? reply.periodMs : periodMs;
      flash(okEl, ms === 0 ? `Timer of ${id} stopped.` : `Timer of ${id}: every ${ms} ms.`);
    } catch (err) {
      errorEl.textContent = `Setting the period failed: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  }

  // A short-lived confirmation next to a button.
  function flash(el, text) {
    el.textContent = text;
    clearTimeout(el.flashTimer);
    el.flashTimer = setTimeout(() => { el.textContent = ''; }, 4000);
  }

  // ---- pause ---------------------------------------------------------------

  function togglePause() {
    paused = !paused;
    const button = $('pause');
    button.textContent = paused ? 'Resume' : 'Pause';
    button.setAttribute('aria-pressed', String(paused));
    $('events').classList.toggle('paused', paused);
    // Events kept arriving into the buffer; show the newest at once.
    if (!paused) renderEvents();
  }

  // ---- start ---------------------------------------------------------------

  $('trigger-form').addEventListener('submit', onTrigger);
  $('period-form').addEventListener('submit', onPeriod);
  payloadEl.addEventListener('input', updatePayloadHint);
  $('pause').addEventListener('click', togglePause);

  updatePayloadHint();
  buildChart();
  setInterval(chartTick, 1000);
  loadInitialState();
  connect();
})();
