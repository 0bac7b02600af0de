// The totals row: counts of the events this page received, the worst device
// latency and the losses from the status messages, and the bridge sockets
// and drops from the nodes' mypoll.sockets messages.

import { requestDraw } from './frame.js';
import { $, fmtInt, fmtLatency, isFresh, setText } from './util.js';

const EVENT_TYPES = ['timer', 'manual', 'burst', 'overrun'];

const typeCounts = { timer: 0, manual: 0, burst: 0, overrun: 0 };
let totalCount = 0;
let overrunLost = 0;  // sum of "lost" over the overrun events received here

// From the device status; null latency when no device has a current one.
let deviceTotals = { p50: null, p99: null, lost: 0 };

// Per node: its latest socket counters and when they arrived.
const socketsByNode = new Map();

const countEls = Object.fromEntries(EVENT_TYPES.map((t) => [t, $('count-' + t)]));
const totalEl = $('count-total');
const p50El = $('latency-p50');
const p99El = $('latency-p99');
const lostEl = $('lost');
const droppedEl = $('dropped');
const socketsEl = $('bridge-sockets');

// Called for every event, so it only counts.
export function countEvent(ev) {
  totalCount++;
  if (typeCounts[ev.type] !== undefined) typeCounts[ev.type]++;
  if (ev.type === 'overrun') overrunLost += Number(ev.lost) || 0;
  requestDraw(draw);
}

// totals: { p50, p99, lost } over the devices.
export function setDeviceTotals(totals) {
  deviceTotals = totals;
  requestDraw(draw);
}

// A mypoll.sockets message: {"node", "time", "intervalMs", "sockets", "dropped"}.
export function onSockets(msg) {
  if (!msg || typeof msg !== 'object') return;
  socketsByNode.set(msg.node ?? '', counters(msg, msg.intervalMs));
  requestDraw(draw);
}

// The "sockets" of GET /api/status: the counters of the node serving this
// page. They only stand in until that node's first mypoll.sockets message,
// which is newer; before its first one the server answers {}.
export function setSocketsSnapshot(node, snapshot) {
  if (!snapshot || snapshot.sockets === undefined || socketsByNode.has(node)) return;
  socketsByNode.set(node, counters(snapshot, 0));
  requestDraw(draw);
}

function counters(msg, intervalMs) {
  return {
    sockets: Number(msg.sockets) || 0,
    dropped: Number(msg.dropped) || 0,
    intervalMs: Number(intervalMs) || 0,
    receivedAt: Date.now(),
  };
}

// Freshness changes with time alone, so this is called every second.
export function refreshTotals() {
  requestDraw(draw);
}

function draw() {
  for (const t of EVENT_TYPES) setText(countEls[t], fmtInt(typeCounts[t]));
  setText(totalEl, fmtInt(totalCount));

  setText(p50El, deviceTotals.p50 == null ? '—' : fmtLatency(deviceTotals.p50));
  setText(p99El, deviceTotals.p99 == null ? '—' : fmtLatency(deviceTotals.p99));

  // Status totals are cumulative per device; overrun events may report a
  // loss before the next status does, so show whichever is higher.
  setText(lostEl, fmtInt(Math.max(deviceTotals.lost, overrunLost)));

  // Drops are cumulative per node, so the latest of each counts even from a
  // node gone quiet; open sockets count only while their node keeps reporting.
  let dropped = 0;
  let sockets = 0;
  for (const n of socketsByNode.values()) {
    dropped += n.dropped;
    if (isFresh(n.receivedAt, n.intervalMs)) sockets += n.sockets;
  }
  setText(droppedEl, fmtInt(dropped));
  setText(socketsEl, fmtInt(sockets));
}
