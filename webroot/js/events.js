// The live events table: the newest events, newest first, in a fixed set of
// rows built once; a ring buffer holds the events between draws.

import { isMultiNode } from './devices.js';
import { requestDraw } from './frame.js';
import { $, fmtLatency } from './util.js';

const EVENT_ROWS = 200;            // rows kept in the live events table
const MIN_DRAW_INTERVAL_MS = 50;   // redraw the table at most ~20 times/s
const COLUMNS = ['time', 'device', 'seq', 'type', 'payload', 'latency'];

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

// The rows are built once; each cell keeps a Text node whose data is
// replaced, so showing events never creates DOM nodes.
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
    built.push({ tr, cells, event: null });
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

function togglePause() {
  paused = !paused;
  pauseButton.textContent = paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  tableEl.classList.toggle('paused', paused);
  // Events kept arriving into the buffer; show the newest at once.
  if (!paused) drawRows();
}
