// SPDX-License-Identifier: Apache-2.0
// Helpers the dashboard's parts share: element lookup, text writes, number
// formats, and when a status message still counts as current.

const MIN_STALE_MS = 10000;  // a status older than this (or 3 intervals) is stale

export const $ = (id) => document.getElementById(id);

const numberFormat = new Intl.NumberFormat('en-US');
export const fmtInt = (n) => numberFormat.format(n);

// Writes only when the text changed, to spare the browser style work.
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function fmtLatency(us) {
  if (typeof us !== 'number' || !isFinite(us)) return '—';
  return us < 1000 ? `${us.toFixed(1)} µs` : `${(us / 1000).toFixed(2)} ms`;
}

export function fmtRate(v) {
  return v >= 100 ? fmtInt(Math.round(v)) : v.toFixed(1);
}

// receivedAt is a Date.now() time; a sender that publishes every intervalMs
// may miss a beat or two before it counts as gone.
export function isFresh(receivedAt, intervalMs) {
  const limit = Math.max(MIN_STALE_MS, 3 * (intervalMs || 0));
  return receivedAt > 0 && Date.now() - receivedAt <= limit;
}
