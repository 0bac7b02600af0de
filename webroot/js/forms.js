// SPDX-License-Identifier: Apache-2.0
// The trigger form and the timer period form, and the device lists they
// pick from.

import { command } from './connection.js';
import { deviceCount, isMultiNode, nodesById, onDevicesChanged, takesTriggers } from './devices.js';
import { $ } from './util.js';

const utf8 = new TextEncoder();

let payloadMax = 40;  // until /api/config says otherwise

const triggerDevice = $('trigger-device');
const payloadEl = $('trigger-payload');
const bytesEl = $('trigger-bytes');
const triggerButton = $('trigger-button');
const triggerError = $('trigger-error');
const triggerOk = $('trigger-ok');
const triggerNone = $('trigger-none');
let sizeErrorShown = false;
let triggerBusy = false;   // a trigger request is waiting for its reply

const periodDevice = $('period-device');
const periodMsEl = $('period-ms');
const periodButton = $('period-button');
const periodError = $('period-error');
const periodOk = $('period-ok');
const periodNone = $('period-none');
let periodBusy = false;

// Set when devices are known but none of them takes triggers (evdev and rtc
// devices only report events) or those that do are offline: the forms then
// say so instead of offering an empty list. Before any device is known the
// forms stay usable and explain on submit. '' or a key of NONE_TEXT.
let noneReason = '';
const NONE_TEXT = {
  types: ['None of the devices takes triggers: input, clock and GPIO devices take none (GPIO outputs are set in the GPIO panel).',
    'None of the devices has a timer: input and clock devices have none.'],
  offline: ['The devices that take triggers are offline.', 'The devices with a timer are offline.'],
};

// A device whose node left answers no request. A gpio device's outputs are
// set in the GPIO panel, not with a payload.
const triggerable = (d) => takesTriggers(d) && d.type !== 'gpio';
const offerable = (d) => triggerable(d) && d.online !== false;

export function initForms() {
  $('trigger-form').addEventListener('submit', onTrigger);
  $('period-form').addEventListener('submit', onPeriod);
  payloadEl.addEventListener('input', updatePayloadHint);
  onDevicesChanged(refreshDeviceSelects);
  updatePayloadHint();
}

// The /api/config answer: the payload limit, and whether the period form shows.
export function applyConfig(config) {
  if (typeof config.payloadMax === 'number') payloadMax = config.payloadMax;
  $('control').hidden = config.allowControl !== true;
  updatePayloadHint();
}

// Both forms pick from the unique ids of the online devices that take
// triggers: the bus addresses (mypoll.trigger.<id>, mypoll.control.<id>)
// name a device, not a node, and only mypoll devices have triggers and a
// timer.
let selectIds = '';
function refreshDeviceSelects() {
  const byId = nodesById(offerable);
  const ids = [...byId.keys()];
  const why = ids.length > 0 || deviceCount() === 0 ? ''
    : nodesById(triggerable).size > 0 ? 'offline' : 'types';
  const signature = JSON.stringify([why, ...byId]);
  if (signature === selectIds) return;
  selectIds = signature;
  const none = why !== '';
  noneReason = why;
  const multiNode = isMultiNode();
  for (const select of [triggerDevice, periodDevice]) {
    const current = select.value;
    select.replaceChildren(...ids.map((id) => {
      const label = multiNode ? `${id} (${byId.get(id).join(', ')})` : id;
      return new Option(label, id, false, id === current);
    }));
    if (!ids.includes(current) && ids.length) select.value = ids[0];
    select.hidden = none;
  }
  triggerNone.hidden = !none;
  periodNone.hidden = !none;
  triggerNone.textContent = none ? NONE_TEXT[why][0] : '';
  periodNone.textContent = none ? NONE_TEXT[why][1] : '';
  updateButtons();
}

function updateButtons() {
  triggerButton.disabled = triggerBusy || noneReason !== '';
  periodButton.disabled = periodBusy || noneReason !== '';
}

// ---- trigger form ----------------------------------------------------------

function payloadProblem(bytes) {
  if (bytes === 0) return `Payload is empty; enter 1 to ${payloadMax} bytes.`;
  if (bytes > payloadMax) return `Payload is ${bytes} bytes; the limit is ${payloadMax} bytes.`;
  return '';
}

function updatePayloadHint() {
  const bytes = utf8.encode(payloadEl.value).length;
  bytesEl.textContent = `${bytes}/${payloadMax} bytes`;
  bytesEl.classList.toggle('over', bytes > payloadMax);
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
  const id = triggerDevice.value;
  const payload = payloadEl.value;
  // Checked here so an oversized payload never leaves the page.
  const problem = payloadProblem(utf8.encode(payload).length);
  if (problem) {
    showTriggerError(problem, true);
    return;
  }
  if (!id) {
    showTriggerError(noneReason ? NONE_TEXT[noneReason][0] : 'No device to trigger yet.');
    return;
  }
  triggerBusy = true;
  updateButtons();
  try {
    await command(`mypoll.trigger.${id}`, 'POST', `api/devices/${encodeURIComponent(id)}/trigger`, { payload });
    showTriggerError('');
    flash(triggerOk, `Sent to ${id}.`);
  } catch (err) {
    showTriggerError(`Trigger failed: ${err.message}`);
  } finally {
    triggerBusy = false;
    updateButtons();
  }
}

// ---- period form -----------------------------------------------------------

async function onPeriod(e) {
  e.preventDefault();
  const id = periodDevice.value;
  const raw = periodMsEl.value.trim();
  const periodMs = Number(raw);
  periodError.textContent = '';
  periodOk.textContent = '';
  if (!id) {
    periodError.textContent = noneReason ? NONE_TEXT[noneReason][1] : 'No device to control yet.';
    return;
  }
  if (raw === '' || !isFinite(periodMs) || periodMs < 0) {
    periodError.textContent = 'Enter a period in milliseconds: 0 or more (0 stops the timer).';
    return;
  }
  periodBusy = true;
  updateButtons();
  try {
    const reply = await command(`mypoll.control.${id}`, 'PUT', `api/devices/${encodeURIComponent(id)}/period`,
      { periodMs });
    const ms = reply && typeof reply.periodMs === 'number' ? reply.periodMs : periodMs;
    flash(periodOk, ms === 0 ? `Timer of ${id} stopped.` : `Timer of ${id}: every ${ms} ms.`);
  } catch (err) {
    periodError.textContent = `Setting the period failed: ${err.message}`;
  } finally {
    periodBusy = false;
    updateButtons();
  }
}

// A short-lived confirmation next to a button.
const flashTimers = new Map();
function flash(el, text) {
  el.textContent = text;
  clearTimeout(flashTimers.get(el));
  flashTimers.set(el, setTimeout(() => { el.textContent = ''; }, 4000));
}
