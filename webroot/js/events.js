// SPDX-License-Identifier: Apache-2.0
// The live events table: the newest events, newest first, in a fixed set of
// rows built once; a ring buffer holds the events between draws.

import { isMultiNode } from './devices.js';
import { requestDraw } from './frame.js';
import { $, fmtLatency } from './util.js';

const EVENT_ROWS = 200;            // rows kept in the live events table
const MIN_DRAW_INTERVAL_MS = 50;   // redraw the table at most ~20 times/s
const COLUMNS = ['time', 'device', 'seq', 'type', 'payload', 'latency'];
const MAX_TITLE_EVENTS = 64;       // input events listed in a frame's tooltip
const KEY_ACTIONS = ['release', 'press', 'repeat'];  // EV_KEY values 0, 1, 2

const tableEl = $('events');
const pauseButton = $('pause');

// Ring buffer of the newest events.
const ring = new Array(EVENT_ROWS);
let ringHead = 0;   // next slot to write
let ringSize = 0;

let rows = [];
let paused = false;
let lastDraw = 0;

export function initEventsTable() {
  rows = buildRows();
  pauseButton.addEventListener('click', togglePause);
}

// Called for every event, so it only stores it.
export function addEvent(ev) {
  ring[ringHead] = ev;
  ringHead = (ringHead + 1) % EVENT_ROWS;
  if (ringSize < EVENT_ROWS) ringSize++;
  if (!paused) requestDraw(draw);
}

// The history of the devices (each device's events oldest first) replaces
// what the table holds: the newest EVENT_ROWS, ordered by time across devices.
export function loadEvents(perDevice) {
  const all = perDevice.flatMap((events, d) => events.map((ev, i) => ({ ev, d, i, t: timeKey(ev.time) })));
  // Stable for one device's events, which are in seq order already.
  all.sort((a, b) => a.t - b.t || (a.d === b.d ? a.i - b.i : a.d - b.d));
  ring.fill(undefined);
  ringHead = 0;
  ringSize = 0;
  for (const { ev } of all.slice(-EVENT_ROWS)) {
    ring[ringHead] = ev;
    ringHead = (ringHead + 1) % EVENT_ROWS;
    ringSize++;
  }
  if (!paused) drawRows();
}

// "2026-11-23T13:11:27.027152Z" -> microseconds since 1970, for ordering.
function timeKey(iso) {
  if (typeof iso !== 'string') return 0;
  const ms = Date.parse(iso);
  const fraction = /\.(\d+)Z$/.exec(iso);
  const micros = fraction ? Number(fraction[1].padEnd(6, '0').slice(3, 6)) : 0;
  return (Number.isFinite(ms) ? ms : 0) * 1000 + micros;
}

// The rows are built once; each cell keeps a Text node whose data is
// replaced, so showing events never creates DOM nodes. The details cell
// also keeps its element, for the tooltip.
function buildRows() {
  const tbody = tableEl.tBodies[0];
  const built = [];
  for (let i = 0; i < EVENT_ROWS; i++) {
    const tr = document.createElement('tr');
    tr.hidden = true;
    const cells = {};
    for (const name of COLUMNS) {
      const td = document.createElement('td');
      td.className = name;
      cells[name] = td.appendChild(document.createTextNode(''));
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
    built.push({ tr, cells, details: tr.cells[COLUMNS.indexOf('payload')], event: null });
  }
  return built;
}

// Nobody reads a table that scrolls 60 times a second, and rewriting it is
// the costliest part of a frame: wait for a later frame when the last draw
// was too recent.
function draw(now) {
  if (paused) return;
  if (now - lastDraw < MIN_DRAW_INTERVAL_MS) {
    requestDraw(draw);
    return;
  }
  drawRows();
}

function drawRows() {
  lastDraw = performance.now();
  const showNode = isMultiNode();
  for (let i = 0; i < EVENT_ROWS; i++) {
    const row = rows[i];
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
    const [text, title] = details(ev);
    c.payload.data = text;
    if (row.details.title !== title) row.details.title = title;
    c.latency.data = fmtLatency(ev.latencyUs);
    if (row.tr.dataset.type !== ev.type) row.tr.dataset.type = ev.type;
    row.tr.hidden = false;
  }
}

// The details cell of an event and its tooltip: a mypoll event's payload, an
// input frame's keys and values, a loss, or how many clock interrupts one
// read merged. The tooltip shows what the cell may cut off.
function details(ev) {
  const frame = Array.isArray(ev.events) ? ev.events : null;
  let text;
  let lost = '';
  if (ev.type === 'overrun') {
    lost = ev.lost == null ? 'lost: unknown' : `${ev.lost} lost`;
    text = frame && frame.length ? `${lost}; ${frameSummary(frame)}` : lost;
  } else if (frame) {
    text = frameSummary(frame);
  } else if (ev.payload !== undefined) {
    text = String(ev.payload ?? '');
  } else {
    const merged = Number(ev.lost);
    text = merged > 0 ? `${merged} merged` : '';
  }
  if (!frame) return [text, text];
  return [text, lost ? `${lost}\n${frameList(frame)}` : frameList(frame)];
}

// "KEY_LEFTSHIFT press, KEY_A press", "REL_X -3, REL_Y 2": what happened,
// without the scan codes (EV_MSC) and frame ends (EV_SYN) that come with
// it; those alone are shown in full.
function frameSummary(frame) {
  const parts = [];
  for (const e of frame) {
    if (!e || e.type === 'EV_MSC' || e.type === 'EV_SYN') continue;
    parts.push(inputText(e));
  }
  return parts.length ? parts.join(', ') : frame.map(inputText).join(', ');
}

// Every event of the frame, one a line, with its type.
function frameList(frame) {
  const lines = frame.slice(0, MAX_TITLE_EVENTS).map((e) => `${e && e.type} ${inputText(e)}`);
  if (frame.length > MAX_TITLE_EVENTS) lines.push(`… ${frame.length - MAX_TITLE_EVENTS} more`);
  return lines.join('\n');
}

// A key as its action, anything else as its value.
function inputText(e) {
  if (!e || typeof e !== 'object') return String(e);
  if (e.type === 'EV_KEY') return `${e.code} ${e.action ?? KEY_ACTIONS[e.value] ?? e.value}`;
  return `${e.code} ${e.value}`;
}

// "2026-11-23T13:11:27.027152Z" -> "13:11:27.027152" (keeps the microseconds
// that Date would drop).
function timeOfDay(iso) {
  if (typeof iso !== 'string') return '';
  const t = iso.indexOf('T');
  return t < 0 ? iso : iso.slice(t + 1).replace(/Z$/, '');
}

function togglePause() {
  paused = !paused;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  tableEl.classList.toggle('paused', paused);
  // Events kept arriving into the buffer; show the newest at once.
  if (!paused) drawRows();
}
