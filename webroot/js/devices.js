// SPDX-License-Identifier: Apache-2.0
// The devices of every node, from GET /api/devices, GET /api/status and the
// mypoll.status messages, shown in the devices table. Their worst latency
// and lost total go to the totals row.

import { requestDraw } from './frame.js';
import { setDeviceTotals } from './totals.js';
import { $, fmtInt, fmtLatency, fmtRate, isFresh } from './util.js';

// Fields that describe a device rather than count what it did.
const DESCRIPTION_FIELDS = ['type', 'path', 'mode', 'open', 'closedReason', 'online', 'triggers', 'lines'];

// Types whose devices took triggers before entries said so ("auto" opens one of them).
const TRIGGER_TYPES = new Set(['mypoll', 'emulator', 'auto']);

// Devices by "node/id".
const devices = new Map();
// Nodes that sent events: their status may not have arrived yet.
const eventNodes = new Set();
// Node names are shown next to device ids only when there is more than one.
let multiNode = false;
const changeListeners = [];

const tbody = $('devices').tBodies[0];

export function isMultiNode() {
  return multiNode;
}

// listener() runs whenever devices come, go or change.
export function onDevicesChanged(listener) {
  changeListeners.push(listener);
}

// Whether mypoll.trigger.<id> (and mypoll.control.<id>) serve this device.
// Entries from older nodes lack "triggers"; an entry without a type too is
// from a node that knew only mypoll devices.
export function takesTriggers(d) {
  if (typeof d.triggers === 'boolean') return d.triggers;
  return d.type == null || TRIGGER_TYPES.has(d.type);
}

// The devices of one type, by node then id.
export function devicesOfType(type) {
  return [...devices.values()].filter((d) => d.type === type)
    .sort((a, b) => a.node.localeCompare(b.node) || a.id.localeCompare(b.id));
}

export function deviceCount() {
  return devices.size;
}

// Every device id, sorted, with the nodes that have a device of that id;
// with a filter, only the devices it accepts.
export function nodesById(filter = () => true) {
  const byId = new Map();
  for (const d of [...devices.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!filter(d)) continue;
    if (!byId.has(d.id)) byId.set(d.id, []);
    byId.get(d.id).push(d.node);
  }
  return byId;
}

// GET /api/devices: descriptions, no counters.
export function loadDeviceList(list) {
  mergeDevices(list, {});
}

// The devices of GET /api/status: they fill the table before the first
// status message arrives.
export function loadStatusSnapshot(list) {
  mergeDevices(list, { intervalMs: 0 });
}

// A mypoll.status message: {"node", "nodeId", "online", "time", "intervalMs", "devices"}.
export function onStatus(status) {
  if (!status || typeof status !== 'object' || !Array.isArray(status.devices)) return;
  const online = status.online !== false;
  // The devices of a node that stopped or left did nothing new: their last
  // counters stay, and the row says the node is offline.
  mergeDevices(status.devices, {
    fromNode: status.node ?? '',
    intervalMs: online ? (Number(status.intervalMs) || 0) : null,
    online,
  });
}

// An event arrived from this node.
export function noteEventNode(node) {
  if (eventNodes.has(node)) return;
  eventNodes.add(node);
  countNodes();
}

// Freshness changes with time alone, so this is called every second.
export function refreshDevices() {
  requestDraw(draw);
}

// Upserts devices. With fromNode set, the list is that node's complete set,
// so its devices missing from the list are removed. With intervalMs set, the
// entries carry counters received now, current for that interval. online is
// the state of entries that do not say.
function mergeDevices(list, { fromNode = null, intervalMs = null, online } = {}) {
  const now = Date.now();
  const listed = new Set();
  for (const d of list) {
    if (!d || d.id == null) continue;
    const node = d.node ?? fromNode ?? '';
    const key = `${node}/${d.id}`;
    listed.add(key);
    const rec = devices.get(key) || { id: String(d.id), node, stats: null, statsAt: 0, intervalMs: 0 };
    if (online !== undefined) rec.online = online;
    for (const f of DESCRIPTION_FIELDS) {
      if (d[f] !== undefined) rec[f] = d[f];
    }
    if (intervalMs != null) {
      rec.stats = d;
      rec.statsAt = now;
      rec.intervalMs = intervalMs;
    }
    devices.set(key, rec);
  }
  if (fromNode != null) {
    for (const [key, rec] of devices) {
      if (rec.node === fromNode && !listed.has(key)) devices.delete(key);
    }
  }
  countNodes();
  for (const listener of changeListeners) listener();
  requestDraw(draw);
}

function countNodes() {
  const seen = new Set(eventNodes);
  for (const d of devices.values()) seen.add(d.node);
  multiNode = seen.size > 1;
}

// The device's counters while they are current; an offline device has none.
function currentStats(d) {
  return d.online !== false && isFresh(d.statsAt, d.intervalMs) ? d.stats : null;
}

function draw() {
  drawTable();

  // The worst device decides the headline latency: a single slow device
  // should not hide behind fast ones.
  let p50 = null;
  let p99 = null;
  let lost = 0;
  let lostUnknown = false;  // some device lost an unknown number (null)
  for (const d of devices.values()) {
    lost += (d.stats && Number(d.stats.lost)) || 0;
    if (d.stats && d.stats.lost === null) lostUnknown = true;
    const s = currentStats(d);
    const lat = s && s.latencyUs;
    if (!lat || !(lat.samples > 0)) continue;
    if (typeof lat.p50 === 'number') p50 = Math.max(p50 ?? lat.p50, lat.p50);
    if (typeof lat.p99 === 'number') p99 = Math.max(p99 ?? lat.p99, lat.p99);
  }
  setDeviceTotals({ p50, p99, lost, lostUnknown });
}

function drawTable() {
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
    const s = currentStats(d);
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
      d.stats ? fmtLost(d.stats.lost) : '—',
      d.stats ? fmtInt(Number(d.stats.gaps) || 0) : '—',
      s && s.lastSeq != null ? String(s.lastSeq) : '—',
    ];
    const tr = document.createElement('tr');
    if (d.open === false || d.online === false) tr.className = 'closed';
    else if (!s) tr.className = 'stale';
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (i === 2) {
        td.className = 'type';
        td.title = takesTriggers(d) ? 'takes triggers' : 'reports events only; takes no triggers';
      }
      if (i === 5) td.className = 'state';
      if (i >= 6) td.className = 'num';
      if (i === 6 && s) td.title = typeCountsText(s.events);
    });
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

// The status "lost": null when the device lost events it could not count.
function fmtLost(lost) {
  return lost === null ? 'unknown' : fmtInt(Number(lost) || 0);
}

// The status "events" counts but the total, e.g. "input 120, overrun 1":
// each type of device counts its own event types.
function typeCountsText(events) {
  if (!events || typeof events !== 'object') return '';
  return Object.entries(events)
    .filter(([type]) => type !== 'total')
    .map(([type, n]) => `${type} ${fmtInt(Number(n) || 0)}`)
    .join(', ');
}
