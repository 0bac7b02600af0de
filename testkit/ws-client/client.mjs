// SPDX-License-Identifier: Apache-2.0
// The WebSocket client of scripts/bench.sh --web (io.mypoll.testkit.bench.WebBenchmark runs it).
//
// A separate process from every server it measures: it opens N sockets to one
// server, has the server's device produce events (paced, or in bursts), and
// measures what arrives: latency from each event's tsNs (CLOCK_MONOTONIC, taken
// where the event was made) to its arrival here, loss (seq gaps), and the burst
// rate. One Node process holds all N sockets of a fan-out.
//
// Two servers speak two protocols:
//   --protocol bridge  the bridge's SockJS event-bus socket (/eventbus/websocket):
//                      frames {"type":"register","address":A} out, {"type":"rec","address":A,"body":...} in;
//                      the device is driven with requests to mypoll.control.<device> on one more socket,
//                      which registers nothing (the bridge needs bridge.allowControl for them).
//   --protocol lines   websocketd running `sigio_eventfd_epoll --emulate --stream`: each message is one
//                      event line; the device is driven with the lines "rate HZ" and "burst N", which
//                      websocketd hands to the reader's stdin. Each socket has a reader, and a device, of its own.
//
// A message body may be one event, a JSON array of events, or an object with an "events" array (a batch).
//
// Prints JSON lines on stdout: {"phase":"connected"}, {"phase":"recording"} when the measured window
// starts, {"phase":"stopped"} when it ends (the orchestrator samples the server's CPU time at those two),
// and last {"phase":"result", ...}. Errors: one line on stderr naming what failed, exit status 1.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const USAGE = `usage: node client.mjs --url URL --protocol bridge|lines [options]
  --address A        bridge: the address to register (default mypoll.events)
  --device ID        bridge: the device whose mypoll.control.<ID> drives it (default bench)
  --clients N        sockets, all in this process (default 1)
  --mode M           paced (default) or burst
  --rate HZ          paced: events per second (default 1000)
  --warmup S         paced: seconds before the measured window (default 2)
  --seconds S        paced: the measured window (default 10)
  --burst N          burst: events per burst (default 16384)
  --bursts K         burst: measured bursts (default 10)
  --warmup-bursts K  burst: bursts before those, not counted (default 1)
  --quiet-ms MS      burst: a burst is over when this long passes with nothing new (default 1000)
  --deflate          offer permessage-deflate (default: no compression, as websocketd has none)`;

const PING_INTERVAL_MS = 5_000; // as the official client: the bridge closes a socket silent for bridge.pingTimeoutMs
const CONNECT_TIMEOUT_MS = 10_000;
const REGISTER_SETTLE_MS = 300; // the bridge does not acknowledge a register
const CONTROL_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 2_000;

function fail(message) {
  process.stderr.write(`mypoll-ws-client: ${message}\n`);
  process.exit(1);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string' },
        protocol: { type: 'string' },
        address: { type: 'string', default: 'mypoll.events' },
        device: { type: 'string', default: 'bench' },
        clients: { type: 'string', default: '1' },
        mode: { type: 'string', default: 'paced' },
        rate: { type: 'string', default: '1000' },
        warmup: { type: 'string', default: '2' },
        seconds: { type: 'string', default: '10' },
        burst: { type: 'string', default: '16384' },
        bursts: { type: 'string', default: '10' },
        'warmup-bursts': { type: 'string', default: '1' },
        'quiet-ms': { type: 'string', default: '1000' },
        deflate: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const number = (name, min, max) => {
    const v = Number(parsed[name]);
    if (!Number.isFinite(v) || v < min || v > max) {
      fail(`--${name}: '${parsed[name]}' is not a number from ${min} to ${max}`);
    }
    return v;
  };
  if (!parsed.url) fail(`--url is missing\n${USAGE}`);
  if (parsed.protocol !== 'bridge' && parsed.protocol !== 'lines') {
    fail(`--protocol: '${parsed.protocol}' (expected bridge or lines)`);
  }
  if (parsed.mode !== 'paced' && parsed.mode !== 'burst') fail(`--mode: '${parsed.mode}' (expected paced or burst)`);
  return {
    url: parsed.url,
    protocol: parsed.protocol,
    address: parsed.address,
    device: parsed.device,
    clients: Math.trunc(number('clients', 1, 1000)),
    mode: parsed.mode,
    rate: Math.trunc(number('rate', 1, 1_000_000)),
    warmupS: number('warmup', 0, 3600),
    seconds: number('seconds', 0.1, 3600),
    burst: Math.trunc(number('burst', 1, 1 << 20)),
    bursts: Math.trunc(number('bursts', 1, 100_000)),
    warmupBursts: Math.trunc(number('warmup-bursts', 0, 100_000)),
    quietMs: number('quiet-ms', 10, 600_000),
    deflate: parsed.deflate,
  };
}

const opts = options();
const out = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
// CLOCK_MONOTONIC on Linux, as tsNs. A Number holds it exactly for 104 days of uptime (2^53 ns), and within a
// few ns after that, which the microsecond figures do not see; JSON.parse reads tsNs into a Number alike.
const nowNs = () => Number(process.hrtime.bigint());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one socket received; events before the window only keep the seq continuity. */
class Client {
  constructor(index) {
    this.index = index;
    this.lastSeq = 0;
    this.received = 0; // events in the window (paced), burst events of measured bursts (burst)
    this.frames = 0; // WebSocket messages in the window that carried events
    this.lost = 0; // seq gaps and overrun records' lost, in the window
    this.outOfOrder = 0; // seq not above the last one: duplicates or reordering, in the window
    this.burstEvents = 0; // every burst event since the socket opened
    this.latencyUs = new Float64Array(1024);
    this.samples = 0;
  }

  addLatency(us) {
    if (this.samples === this.latencyUs.length) {
      const bigger = new Float64Array(this.latencyUs.length * 2);
      bigger.set(this.latencyUs);
      this.latencyUs = bigger;
    }
    this.latencyUs[this.samples++] = us;
  }
}

// The measurement's state, changed by the phases below and read by the message handlers.
const state = { recording: false, countingBursts: false, lastBurstEventNs: 0, burstWait: null };

/** The events a message body holds: one event, an array of events, or a batch object with "events". */
function eventsOf(body) {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    if (Array.isArray(body.events) && body.seq === undefined) return body.events;
    if (typeof body.seq === 'number') return [body];
  }
  fail(`a message body is not an event, an array of events or a batch: ${JSON.stringify(body).slice(0, 200)}`);
  return [];
}

function onEvents(client, events, at) {
  if (state.recording || state.countingBursts) client.frames++;
  for (const ev of events) {
    const counted = state.recording || (state.countingBursts && ev.type === 'burst');
    if (ev.type === 'overrun') {
      // Its seq is the last one lost, and "lost" says how many (null: unknown, counted as 1).
      if (state.recording || state.countingBursts) client.lost += ev.lost ?? 1;
      client.lastSeq = ev.seq;
      continue;
    }
    if (client.lastSeq !== 0 && (state.recording || state.countingBursts)) {
      if (ev.seq > client.lastSeq + 1) client.lost += ev.seq - client.lastSeq - 1;
      else if (ev.seq <= client.lastSeq) client.outOfOrder++;
    }
    client.lastSeq = ev.seq;
    if (ev.type === 'burst') {
      client.burstEvents++;
      state.lastBurstEventNs = at;
      const wait = state.burstWait;
      if (wait && client.burstEvents === wait.targets[client.index] && ++wait.complete === wait.targets.length) {
        wait.resolve();
      }
    }
    if (counted) {
      client.received++;
      if (state.recording) client.addLatency((at - ev.tsNs) / 1000);
    }
  }
}

/** One socket: connects, hands events to its Client, answers control replies (bridge). */
class Socket {
  constructor(index, label = `socket ${index}`) {
    this.label = label;
    this.client = new Client(index);
    this.pending = new Map(); // reply address -> {resolve, reject, timer}
    this.nextReply = 0;
    this.opened = false;
    this.closing = false;
  }

  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(opts.url, { perMessageDeflate: opts.deflate, handshakeTimeout: CONNECT_TIMEOUT_MS });
      this.ws = ws;
      ws.on('open', () => {
        this.opened = true;
        if (opts.protocol === 'bridge') {
          this.pinger = setInterval(() => this.send({ type: 'ping' }), PING_INTERVAL_MS);
        }
        resolve();
      });
      ws.on('error', (e) => reject(new Error(`${this.label}: ${opts.url}: ${e.message}`)));
      ws.on('unexpected-response', (req, res) => {
        reject(new Error(`${this.label}: ${opts.url}: HTTP ${res.statusCode} instead of a WebSocket`));
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.pinger);
        // Before it opened, the error or unexpected-response handler has said why.
        if (this.opened && !this.closing) {
          fail(`${this.label} was closed by the server (code ${code}${reason.length ? `, ${reason}` : ''})`);
        }
      });
      ws.on('message', (data) => this.onMessage(data));
    });
  }

  onMessage(data) {
    const at = nowNs();
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch (e) {
      fail(`${this.label}: a message is not JSON (${e.message}): ${data.toString().slice(0, 200)}`);
    }
    if (opts.protocol === 'lines') {
      onEvents(this.client, eventsOf(message), at);
      return;
    }
    const reply = this.pending.get(message.address);
    if (reply) {
      this.pending.delete(message.address);
      clearTimeout(reply.timer);
      if (message.type === 'err') {
        reply.reject(new Error(`${reply.what}: ${message.failureCode ?? ''} ${message.message ?? message.body}`));
      } else {
        reply.resolve(message.body);
      }
    } else if (message.type === 'rec' && message.address === opts.address) {
      onEvents(this.client, eventsOf(message.body), at);
    } else if (message.type === 'err') {
      fail(`${this.label}: the bridge answered with an error: ${JSON.stringify(message)}`
        + ` (is ${opts.address} an address clients may register?)`);
    }
  }

  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** A request to the device's control address over the bridge; resolves with the reply's body. */
  control(body) {
    const replyAddress = `bench-control-${this.client.index}-${++this.nextReply}`;
    const what = `mypoll.control.${opts.device} ${JSON.stringify(body)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new Error(`${what}: no reply within ${CONTROL_TIMEOUT_MS} ms`));
      }, CONTROL_TIMEOUT_MS);
      this.pending.set(replyAddress, { resolve, reject, timer, what });
      this.send({ type: 'send', address: `mypoll.control.${opts.device}`, body, replyAddress });
    });
  }

  /** A close handshake, as a browser leaving the page: the server sees a clean close, not a broken connection. */
  close() {
    this.closing = true;
    clearInterval(this.pinger);
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, CLOSE_TIMEOUT_MS);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000, 'done');
    });
  }
}

/**
 * The bridge's control requests go on a socket of their own that registers nothing: their replies
 * never wait behind events queued for a client that is behind.
 */
let controlSocket = null;

/** Sets every socket's device to `rate` events/s (0 = off): the bridge's one device, or each reader's. */
async function setRate(sockets, rate) {
  if (opts.protocol === 'bridge') {
    await controlSocket.control({ periodMs: rate === 0 ? 0 : 1000 / rate });
  } else {
    for (const s of sockets) s.send(`rate ${rate}`);
  }
}

async function makeBurst(sockets, n) {
  if (opts.protocol === 'bridge') {
    // Not awaited: the events may arrive before the reply. A failed request ends the run.
    controlSocket.control({ burst: n }).catch((e) => fail(e.message));
  } else {
    for (const s of sockets) s.send(`burst ${n}`);
  }
}

/** Nearest rank, as sigio_eventfd_epoll --bench: the smallest sample with p% of all at or below it. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((sorted.length * p) / 100));
  return Math.round(sorted[rank - 1] * 10) / 10;
}

function summary(samples) {
  const sorted = samples.slice().sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? Math.round(sorted[sorted.length - 1] * 10) / 10 : null,
    samples: sorted.length,
  };
}

async function paced(sockets) {
  await setRate(sockets, opts.rate);
  await sleep(opts.warmupS * 1000);
  out({ phase: 'recording' });
  state.recording = true;
  const started = nowNs();
  await sleep(opts.seconds * 1000);
  state.recording = false;
  const seconds = (nowNs() - started) / 1e9;
  out({ phase: 'stopped' });
  // The clients leave first: a bridge that is far behind has then nothing left to send them, catches up, and
  // answers the request that stops its device. websocketd ends each reader when its client leaves.
  await Promise.all(sockets.map((s) => s.close()));
  if (opts.protocol === 'bridge') await setRate(sockets, 0);

  const clients = sockets.map((s) => s.client);
  const pooled = new Float64Array(clients.reduce((n, c) => n + c.samples, 0));
  let at = 0;
  for (const c of clients) {
    pooled.set(c.latencyUs.subarray(0, c.samples), at);
    at += c.samples;
  }
  return {
    seconds,
    latencyUs: summary(pooled),
    perClient: clients.map((c) => ({
      received: c.received,
      frames: c.frames,
      lost: c.lost,
      outOfOrder: c.outOfOrder,
      latencyUs: summary(c.latencyUs.subarray(0, c.samples)),
    })),
  };
}

/**
 * Makes one burst and waits until every socket has its events, or until nothing new came for quietMs
 * (events were lost). The message handler ends the wait, so no timer wakes this process per event.
 */
async function oneBurst(sockets) {
  const wait = { targets: sockets.map((s) => s.client.burstEvents + opts.burst), complete: 0 };
  const arrived = new Promise((resolve) => {
    wait.resolve = resolve;
  });
  state.burstWait = wait;
  let seen = -1;
  const quiet = setInterval(() => {
    const have = sockets.reduce((n, s) => n + s.client.burstEvents, 0);
    if (have === seen) wait.resolve();
    seen = have;
  }, opts.quietMs);
  await makeBurst(sockets, opts.burst);
  await arrived;
  clearInterval(quiet);
  state.burstWait = null;
}

async function bursts(sockets) {
  let started = 0;
  for (let k = 0; k < opts.warmupBursts + opts.bursts; k++) {
    if (k === opts.warmupBursts) {
      out({ phase: 'recording' });
      state.countingBursts = true;
      started = nowNs();
    }
    await oneBurst(sockets);
  }
  const burstsDone = opts.bursts;
  state.countingBursts = false;
  out({ phase: 'stopped' });
  const clients = sockets.map((s) => s.client);
  const received = clients.reduce((n, c) => n + c.received, 0);
  const expected = opts.burst * burstsDone * clients.length;
  const seconds = (state.lastBurstEventNs - started) / 1e9;
  return {
    burst: opts.burst,
    bursts: burstsDone,
    received,
    // What never came, by count: a drop at the end of a burst leaves no seq gap to see.
    lost: Math.max(expected - received, clients.reduce((n, c) => n + c.lost, 0)),
    outOfOrder: clients.reduce((n, c) => n + c.outOfOrder, 0),
    frames: clients.reduce((n, c) => n + c.frames, 0),
    seconds,
    eventsPerS: seconds > 0 ? received / seconds : null,
  };
}

async function main() {
  const sockets = Array.from({ length: opts.clients }, (_, i) => new Socket(i));
  if (opts.protocol === 'bridge') controlSocket = new Socket(-1, 'the control socket');
  try {
    await Promise.all([...sockets, ...(controlSocket ? [controlSocket] : [])].map((s) => s.open()));
  } catch (e) {
    fail(e.message);
  }
  if (opts.protocol === 'bridge') {
    for (const s of sockets) s.send({ type: 'register', address: opts.address });
    await sleep(REGISTER_SETTLE_MS);
  }
  out({ phase: 'connected', clients: sockets.length, extensions: sockets[0].ws.extensions || 'none' });
  let result;
  try {
    result = opts.mode === 'paced' ? await paced(sockets) : await bursts(sockets);
  } catch (e) {
    fail(e.message);
  }
  await Promise.all([...sockets, ...(controlSocket ? [controlSocket] : [])].map((s) => s.close()));
  out({ phase: 'result', mode: opts.mode, protocol: opts.protocol, address: opts.address, clients: sockets.length,
    rate: opts.mode === 'paced' ? opts.rate : undefined, ...result });
  process.exit(0);
}

main();
