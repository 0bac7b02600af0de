// Dashboard for mypoll-bridge: live device events from the Vert.x event bus
// (SockJS bridge at /eventbus), per-node status, a trigger form and the
// timer period control. This module connects the parts in js/: it loads the
// REST state, routes the bus messages and runs the once-a-second tick.

import { chartTick, countEvent as chartEvent, initChart } from './js/chart.js';
import { connect, rest } from './js/connection.js';
import { loadDeviceList, loadStatusSnapshot, noteEventNode, onStatus, refreshDevices } from './js/devices.js';
import { addEvent, initEventsTable } from './js/events.js';
import { applyConfig, initForms } from './js/forms.js';
import { countEvent, onSockets, refreshTotals, setSocketsSnapshot } from './js/totals.js';
import { $ } from './js/util.js';

// One event of mypoll.events.batched. Events can arrive at tens of thousands per
// second: each part only stores or counts here and draws later.
function onEvent(ev) {
  if (!ev || typeof ev !== 'object') return;
  addEvent(ev);
  countEvent(ev);
  chartEvent(ev);
  noteEventNode(ev.node);
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
}, { onReconnect: loadInitialState });
