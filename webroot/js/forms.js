// The trigger form and the timer period form, and the device lists they
// pick from.

import { command } from './connection.js';
import { isMultiNode, nodesById, onDevicesChanged } from './devices.js';
import { $ } from './util.js';

const utf8 = new TextEncoder();

let payloadMax = 40;  // until /api/config says otherwise

const triggerDevice = $('trigger-device');
const payloadEl = $('trigger-payload');
const bytesEl = $('trigger-bytes');
const triggerButton = $('trigger-button');
const triggerError = $('trigger-error');
const triggerOk = $('trigger-ok');
let sizeErrorShown = false;

const periodDevice = $('period-device');
const periodMsEl = $('period-ms');
const periodButton = $('period-button');
const periodError = $('period-error');
const periodOk = $('period-ok');

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

// Both forms pick from the unique device ids: the bus addresses
// (mypoll.trigger.<id>) name a device, not a node.
let selectIds = '';
function refreshDeviceSelects() {
  const byId = nodesById();
  const ids = [...byId.keys()];
  const signature = JSON.stringify([...byId]);
  if (signature === selectIds) return;
  selectIds = signature;
  const multiNode = isMultiNode();
  for (const select of [triggerDevice, periodDevice]) {
    const current = select.value;
    select.replaceChildren(...ids.map((id) => {
      const label = multiNode ? `${id} (${byId.get(id).join(', ')})` : id;
      return new Option(label, id, false, id === current);
    }));
    if (!ids.includes(current) && ids.length) select.value = ids[0];
  }
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
    showTriggerError('No device to trigger yet.');
    return;
  }
  triggerButton.disabled = true;
  try {
    await command(`mypoll.trigger.${id}`, 'POST', `api/devices/${encodeURIComponent(id)}/trigger`, { payload });
    showTriggerError('');
    flash(triggerOk, `Sent to ${id}.`);
  } catch (err) {
    showTriggerError(`Trigger failed: ${err.message}`);
  } finally {
    triggerButton.disabled = false;
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
    periodError.textContent = 'No device to control yet.';
    return;
  }
  if (raw === '' || !isFinite(periodMs) || periodMs < 0) {
    periodError.textContent = 'Enter a period in milliseconds: 0 or more (0 stops the timer).';
    return;
  }
  periodButton.disabled = true;
  try {
    const reply = await command(`mypoll.control.${id}`, 'PUT', `api/devices/${encodeURIComponent(id)}/period`,
      { periodMs });
    const ms = reply && typeof reply.periodMs === 'number' ? reply.periodMs : periodMs;
    flash(periodOk, ms === 0 ? `Timer of ${id} stopped.` : `Timer of ${id}: every ${ms} ms.`);
  } catch (err) {
    periodError.textContent = `Setting the period failed: ${err.message}`;
  } finally {
    periodButton.disabled = false;
  }
}

// A short-lived confirmation next to a button.
const flashTimers = new Map();
function flash(el, text) {
  el.textContent = text;
  clearTimeout(flashTimers.get(el));
  flashTimers.set(el, setTimeout(() => { el.textContent = ''; }, 4000));
}
