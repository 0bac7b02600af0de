// SPDX-License-Identifier: Apache-2.0
// The GPIO panel: each line of every gpio device with its level, live from
// the edges on the bus and from the status messages; an output line has
// buttons that set it, where its node allows it (the entry's "triggers").

import { command } from './connection.js';
import { devicesOfType, onDevicesChanged } from './devices.js';
import { requestDraw } from './frame.js';
import { $ } from './util.js';

const panel = $('gpio');
const tbody = $('gpio-lines').tBodies[0];
const errorEl = $('gpio-error');
// Levels by "node/device/offset": from edges, newer than the last status.
const levels = new Map();
// The key of the button whose request waits for its reply.
let busy = null;

export function initGpio() {
  onDevicesChanged(() => {
    // A status message carries every line's level as its node knew it then.
    for (const d of devicesOfType('gpio')) {
      for (const line of d.lines ?? []) levels.set(`${d.node}/${d.id}/${line.offset}`, line.value);
    }
    requestDraw(draw);
  });
}

// An edge of a line: {"device", "node", "line", "value", ...}.
export function onGpioEvent(ev) {
  if (typeof ev.line !== 'number' || typeof ev.value !== 'number') return;
  levels.set(`${ev.node}/${ev.device}/${ev.line}`, ev.value);
  requestDraw(draw);
}

function draw() {
  const devices = devicesOfType('gpio');
  panel.hidden = devices.length === 0;
  const rows = [];
  for (const d of devices) {
    for (const line of d.lines ?? []) {
      const key = `${d.node}/${d.id}/${line.offset}`;
      const level = levels.get(key);
      const tr = document.createElement('tr');
      tr.dataset.line = `${d.id}/${line.name ?? line.offset}`;
      if (d.open === false || d.online === false) tr.className = 'closed';
      for (const text of [d.id, line.name ?? '—', String(line.offset), line.direction]) {
        tr.insertCell().textContent = text;
      }
      const cell = tr.insertCell();
      cell.className = 'level';
      cell.textContent = level === 1 ? '● 1' : level === 0 ? '○ 0' : '—';
      cell.dataset.level = level ?? '';
      const control = tr.insertCell();
      if (line.direction === 'output' && d.triggers === true && d.open !== false && d.online !== false) {
        for (const value of [1, 0]) {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = `Set ${value}`;
          button.dataset.value = String(value);
          button.disabled = busy !== null;
          button.addEventListener('click', () => setLine(d, line, value, key));
          control.append(button);
        }
      } else if (line.direction === 'output') {
        control.textContent = 'control not allowed';
        control.className = 'muted';
      }
      rows.push(tr);
    }
  }
  tbody.replaceChildren(...rows);
}

async function setLine(d, line, value, key) {
  busy = key;
  requestDraw(draw);
  const body = { line: line.name ?? line.offset, value };
  try {
    await command(`mypoll.trigger.${d.id}`, 'POST', `api/devices/${encodeURIComponent(d.id)}/trigger`, body);
    levels.set(key, value);
    errorEl.textContent = '';
  } catch (err) {
    errorEl.textContent = `Setting ${line.name ?? line.offset} of ${d.id} failed: ${err.message}`;
  } finally {
    busy = null;
    requestDraw(draw);
  }
}
