// SPDX-License-Identifier: Apache-2.0
// Dashboard for mypoll-bridge: live device events from the Vert.x event bus
// (SockJS bridge at /eventbus), per-node status, a trigger form and the
// timer period control. This module connects the parts in js/: it loads the
// REST state, routes the bus messages and runs the once-a-second tick.

import { chartTick, countEvent as chartEvent, initChart, loadRates } from './js/chart.js';
import { busRequest, connect, rest } from './js/connection.js';
import { loadDeviceList, loadStatusSnapshot, noteEventNode, onStatus, refreshDevices } from './js/devices.js';
import { addEvent, initEventsTable, loadEvents } from './js/events.js';
import { applyConfig, initForms } from './js/forms.js';
import { initGpio, onGpioEvent } from './js/gpio.js';
import { countEvent, countHistory, onSockets, refreshTotals, setSocketsSnapshot } from './js/totals.js';
import { $ } from './js/util.js';

const MAX_BUFFERED = 100000;  // live events held while the history loads; past that, shown at once

// While the history loads, live events wait here; null once it is shown.
let buffered = null;
// Per device: the last seq its history held. Live events up to it are in the
// history already; the first one past it ends the check (seq starts again
// when a device is reopened).
const shownUpTo = new Map();

// One event of mypoll.events.batched. Events can arrive at tens of thousands per
// second: each part only stores or counts here and draws later.
function onEvent(ev) {
  if (!ev || typeof ev !== 'object') return;
  if (buffered) {
    buffered.push(ev);
    if (buffered.length > MAX_BUFFERED) flushBuffered();
    return;
  }
  const last = shownUpTo.get(ev.device);
  if (last !== undefined) {
    if (ev.seq <= last) return;
    shownUpTo.delete(ev.device);
  }
  addEvent(ev);
  onGpioEvent(ev);
  countEvent(ev);
  chartEvent(ev);
  noteEventNode(ev.node);
}

function flushBuffered() {
  const events = buffered || [];
  buffered = null;
  events.forEach(onEvent);
}

// On every connection: the devices' history, asked on the socket that has
// just registered for the live events, so the bridge takes it after the
// registration and every later event comes live. The table, the chart and
// the counts show the history at once; the live events that came meanwhile
// follow, those the history held left out by their seq.
async function loadHistory() {
  buffered = [];
  let histories = [];
  try {
    const devices = await rest('GET', 'api/devices');
    const asked = (Array.isArray(devices) ? devices : []).filter((d) => d && d.online !== false)
      .map((d) => busRequest(`mypoll.history.${d.id}`, {}).catch(() => null));
    histories = (await Promise.all(asked)).filter((h) => h && Array.isArray(h.events));
  } catch {
    // No history: the page shows the live events only.
  }
  shownUpTo.clear();
  for (const h of histories) {
    shownUpTo.set(h.device, Number(h.lastSeq) || 0);
    h.events.forEach((ev) => noteEventNode(ev.node));
  }
  loadEvents(histories.map((h) => h.events));
  countHistory(histories.flatMap((h) => h.events));
  loadRates(histories);
  flushBuffered();
}

async function loadInitialState() {
  const [config, list, status] = await Promise.allSettled([
    rest('GET', 'api/config'), rest('GET', 'api/devices'), rest('GET', 'api/status'),
  ]);
  const node = config.status === 'fulfilled' && config.value ? config.value.node : undefined;
  if (config.status === 'fulfilled' && config.value) {
    $('server-node').textContent = node || '—';
    applyConfig(config.value);
  }
  if (list.status === 'fulfilled' && Array.isArray(list.value)) loadDeviceList(list.value);
  if (status.status === 'fulfilled' && status.value) {
    if (Array.isArray(status.value.devices)) loadStatusSnapshot(status.value.devices);
    // The socket counters are those of the node serving this page.
    if (node != null) setSocketsSnapshot(node, status.value.sockets);
  }
}

initEventsTable();
initForms();
initGpio();
initChart();
setInterval(() => {
  chartTick();
  // Status freshness changes with time alone, so redraw it too.
  refreshDevices();
  refreshTotals();
}, 1000);
loadInitialState();
connect({
  // Many events per frame at high rates; a lone event still comes at once.
  'mypoll.events.batched': (batch) => { if (Array.isArray(batch)) batch.forEach(onEvent); },
  'mypoll.status': onStatus,
  'mypoll.sockets': onSockets,
}, { onOpen: loadHistory, onReconnect: loadInitialState });
