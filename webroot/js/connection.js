// SPDX-License-Identifier: Apache-2.0
// The server: the event bus through the SockJS bridge at /eventbus, with its
// own reconnection, requests over the bus, and the REST API under /api.
// EventBus is the global of lib/vertx-eventbus.js, loaded before the modules.

import { $ } from './util.js';

const REQUEST_TIMEOUT_MS = 10000;  // give up on a bus reply after this

const connectionEl = $('connection');
let bus = null;
let requestSeq = 0;
const pending = new Map();  // request id -> finish(err, reply)

let handlers = {};           // address -> function of the message body
let onOpen = () => {};
let onReconnect = () => {};
let openedBefore = false;
let retryDelay = 0;   // ms before the next attempt; grows while the server is away
let retryTimer = 0;

// Connects and stays connected. handlers maps each address to register to a
// function of the message body; onOpen runs on every connection, right after
// the registrations were sent; onReconnect after each reconnection (not the
// first connection).
export function connect(addressHandlers, options = {}) {
  handlers = addressHandlers;
  onOpen = options.onOpen || onOpen;
  onReconnect = options.onReconnect || onReconnect;
  open();
}

function setConnection(state) {
  if (connectionEl.dataset.state === state) return;
  connectionEl.dataset.state = state;
  connectionEl.textContent = state;
}

// One EventBus per connection attempt, with our own backoff instead of the
// client's enableReconnect: that way the page knows exactly when an attempt
// starts ("connecting") and when it has failed ("disconnected").
function open() {
  setConnection('connecting');
  const b = new EventBus(new URL('eventbus', document.baseURI).href);
  bus = b;

  b.onopen = () => {
    retryDelay = 0;
    setConnection('connected');
    // A new socket has no registrations, so every (re)connection registers.
    for (const [address, handler] of Object.entries(handlers)) {
      b.registerHandler(address, (err, msg) => {
        if (!err && msg) handler(msg.body);
      });
    }
    onOpen();
    // After a reconnection the server may have restarted with other
    // devices or settings; the first connection uses the load at start.
    if (openedBefore) onReconnect();
    openedBefore = true;
  };

  b.onclose = () => {
    if (bus !== b) return;
    setConnection('disconnected');
    failPending('The connection closed before the server replied.');
    scheduleReconnect();
  };

  // Errors the bridge sends without an address (e.g. "access_denied" for
  // a send it does not permit) cannot be matched to a request; with one
  // request in flight at most per form, failing them all is accurate.
  b.onerror = (e) => {
    if (e && e.body) failPending(`The bridge refused the request: ${e.body}.`);
  };
  // Other unmatched messages (e.g. a reply after its timeout) are ignored.
  b.onunhandled = (json) => {
    if (json && json.type === 'err') b.onerror(json);
  };
}

// Exponential backoff, 1 s doubling to 10 s, with jitter so that many pages
// do not all come back at the same instant after a server restart.
function scheduleReconnect() {
  clearTimeout(retryTimer);
  retryDelay = Math.min(10000, retryDelay ? retryDelay * 2 : 1000);
  const wait = Math.round(retryDelay * (0.75 + Math.random() * 0.5));
  connectionEl.title = `next attempt in ${Math.round(wait / 1000)} s`;
  retryTimer = setTimeout(() => {
    connectionEl.title = '';
    open();
  }, wait);
}

function failPending(message) {
  for (const finish of [...pending.values()]) finish(new Error(message));
}

function isOpen() {
  return bus !== null && bus.state === EventBus.OPEN;
}

// send() with a reply, as a promise that settles exactly once. Sent on the
// socket after its registrations, which the bridge handles in order.
export function busRequest(address, body) {
  return new Promise((resolve, reject) => {
    if (!isOpen()) {
      reject(new Error('Not connected to the server.'));
      return;
    }
    const id = ++requestSeq;
    const finish = (err, reply) => {
      if (!pending.delete(id)) return;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error('The server did not reply in time.')), REQUEST_TIMEOUT_MS);
    pending.set(id, finish);
    try {
      bus.send(address, body, {}, (err, msg) => {
        if (err) finish(new Error(err.message || err.failureType || 'The request failed.'));
        else finish(null, msg && msg.body);
      });
    } catch (e) {
      finish(e);
    }
  });
}

// A REST call; resolves to the parsed JSON answer, rejects with the
// server's error text.
export async function rest(method, path, body) {
  let res;
  try {
    res = await fetch(new URL(path, document.baseURI), {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new Error('Cannot reach the server.');  // fetch's own text says less
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the error message
  }
  if (!res.ok) {
    throw new Error((data && data.error) || text || `${res.status} ${res.statusText}`);
  }
  return data;
}

// Sends over the bus when connected, else over REST, which does the same.
export function command(address, restMethod, restPath, body) {
  if (isOpen()) return busRequest(address, body);
  return rest(restMethod, restPath, body);
}
