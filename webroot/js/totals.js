// SPDX-License-Identifier: Apache-2.0
// The totals row: counts of the events this page shows (the devices' history
// loaded when it connected, then the live ones), the worst device read
// latency and the losses from the status messages, and the bridge sockets
// and drops from the nodes' mypoll.sockets messages.

import { requestDraw } from './frame.js';
import { $, fmtInt, fmtLatency, isFresh, setText } from './util.js';

// The mypoll types have boxes in the page; other types (input, update,
// periodic, alarm, ...) get one each as they first arrive, up to
// MAX_EXTRA_BOXES, and the rest share an "other types" box, so that odd
// event data cannot grow the page without bound.
const EVENT_TYPES = ['timer', 'manual', 'burst', 'overrun'];
const MAX_EXTRA_BOXES = 8;
const MAX_OTHER_NAMED = 50;  // types named in the "other types" box's title
const OTHER = 'other types';

const typeCounts = new Map(EVENT_TYPES.map((t) => [t, 0]));  // box label -> count
const boxOfType = new Map(EVENT_TYPES.map((t) => [t, t]));   // event type -> box label
const otherTypes = [];  // the types counted in the "other types" box
let totalCount = 0;
let overrunLost = 0;  // sum of "lost" over the overrun events received here
// An overrun with "lost": null (evdev: the kernel does not say how many) makes the sum a lower bound.
let overrunLostUnknown = false;

// From the device status; null latency when no device has a current one.
let deviceTotals = { p50: null, p99: null, lost: 0, lostUnknown: false };

// Per node: its latest socket counters and when they arrived.
const socketsByNode = new Map();

const countEls = new Map(EVENT_TYPES.map((t) => [t, $('count-' + t)]));
const totalEl = $('count-total');
const p50El = $('latency-p50');
const p99El = $('latency-p99');
const lostEl = $('lost');
const lostTitle = lostEl.parentElement.title;
const lostNoteEl = $('lost-note');
const droppedEl = $('dropped');
const socketsEl = $('bridge-sockets');

// The devices' history replaces what was counted: the counts start again
// from the events the page now shows, as the table does.
export function countHistory(events) {
  totalCount = 0;
  for (const label of typeCounts.keys()) typeCounts.set(label, 0);
  overrunLost = 0;
  overrunLostUnknown = false;
  events.forEach(countEvent);
  requestDraw(draw);
}

// Called for every event, so it only counts.
export function countEvent(ev) {
  totalCount++;
  const type = String(ev.type);
  const label = boxOfType.get(type) ?? boxFor(type);
  typeCounts.set(label, typeCounts.get(label) + 1);
  if (type === 'overrun') {
    if (ev.lost === null || ev.lost === undefined) overrunLostUnknown = true;
    else overrunLost += Number(ev.lost) || 0;
  }
  requestDraw(draw);
}

// The box label of a type seen for the first time: its own box while there
// is room, else the shared one.
function boxFor(type) {
  if (typeCounts.size < EVENT_TYPES.length + MAX_EXTRA_BOXES && !typeCounts.has(type)) {
    addBox(type, `Events of type ${type}`);
    typeCounts.set(type, 0);
    boxOfType.set(type, type);
    return type;
  }
  if (!typeCounts.has(OTHER)) {
    addBox(OTHER, '');
    typeCounts.set(OTHER, 0);
  }
  // Past the named ones, further types are counted without being remembered.
  if (otherTypes.length < MAX_OTHER_NAMED) {
    otherTypes.push(type);
    boxOfType.set(type, OTHER);
    countEls.get(OTHER).parentElement.title = `Events of the types ${otherTypes.join(', ')}`;
  }
  return OTHER;
}

// A box after the last type box, built like the ones in the page.
function addBox(label, title) {
  const after = countEls.get([...countEls.keys()].pop()).parentElement;
  const box = document.createElement('div');
  box.className = 'stat extra-type';
  box.dataset.type = label;
  if (title) box.title = title;
  const labelEl = box.appendChild(document.createElement('span'));
  labelEl.className = 'label';
  labelEl.textContent = label;
  const valueEl = box.appendChild(document.createElement('span'));
  valueEl.className = 'value';
  valueEl.textContent = '0';
  after.after(box);
  countEls.set(label, valueEl);
}

// totals: { p50, p99, lost, lostUnknown } over the devices.
export function setDeviceTotals(totals) {
  deviceTotals = totals;
  requestDraw(draw);
}

// A mypoll.sockets message: {"node", "time", "intervalMs", "sockets", "tcpSockets", "dropped"}.
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
  for (const [label, n] of typeCounts) setText(countEls.get(label), fmtInt(n));
  setText(totalEl, fmtInt(totalCount));

  setText(p50El, deviceTotals.p50 == null ? '—' : fmtLatency(deviceTotals.p50));
  setText(p99El, deviceTotals.p99 == null ? '—' : fmtLatency(deviceTotals.p99));

  // Status totals are cumulative per device; overrun events may report a
  // loss before the next status does, so show whichever is higher.
  // A loss of unknown size makes the total a lower bound.
  const lost = fmtInt(Math.max(deviceTotals.lost, overrunLost));
  const unknown = overrunLostUnknown || deviceTotals.lostUnknown === true;
  setText(lostEl, unknown ? `≥ ${lost}` : lost);
  const title = unknown
    ? `${lostTitle}. At least this many: some losses were of unknown size (an input device's overrun does not say how many events the kernel dropped).`
    : lostTitle;
  if (lostEl.parentElement.title !== title) lostEl.parentElement.title = title;
  if (lostNoteEl.hidden === unknown) lostNoteEl.hidden = !unknown;

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
