// SPDX-License-Identifier: Apache-2.0
// The events/s chart: the total and one line per device@node over the last
// five minutes, one point a second, the past from the devices' history. uPlot is the global of
// lib/uPlot.iife.min.js, loaded before the modules.

import { $, fmtRate } from './util.js';

const CHART_SECONDS = 300;   // width of the chart
const CHART_HEIGHT = 220;
const palette = ['#4e9af1', '#e8a33d', '#5cb85c', '#c76ad6', '#e05d5d', '#3fb7b0', '#a3a847', '#8c8cf2'];

const chartEl = $('rate-chart');

// Columns of the chart: x in Unix seconds, total, then one per device@node.
const chartData = { x: [], total: [], byKey: new Map() };
const chartKeys = [];
let chart = null;

// Events counted since the last tick: total and per "device@node".
let tickTotal = 0;
const tickByKey = new Map();
let lastTick = performance.now();

export function initChart() {
  buildChart();
  new ResizeObserver(() => {
    if (chart) chart.setSize({ width: Math.max(200, chartEl.clientWidth), height: CHART_HEIGHT });
  }).observe(chartEl);
}

// Called for every event, so it only counts.
export function countEvent(ev) {
  tickTotal++;
  const key = `${ev.device}@${ev.node}`;
  tickByKey.set(key, (tickByKey.get(key) || 0) + 1);
}

// Once a second: turn the counts since the last tick into one point.
export function chartTick() {
  const now = performance.now();
  // Dividing by the real elapsed time keeps the rate right when a
  // background tab runs timers late.
  const seconds = Math.max(0.001, (now - lastTick) / 1000);
  lastTick = now;

  let grew = false;
  for (const key of tickByKey.keys()) {
    if (!chartData.byKey.has(key)) {
      // The device sent nothing here before, so its past is zero.
      chartData.byKey.set(key, new Array(chartData.x.length).fill(0));
      chartKeys.push(key);
      grew = true;
    }
  }
  chartData.x.push(Date.now() / 1000);
  chartData.total.push(tickTotal / seconds);
  for (const key of chartKeys) chartData.byKey.get(key).push((tickByKey.get(key) || 0) / seconds);
  tickTotal = 0;
  tickByKey.clear();

  if (chartData.x.length > CHART_SECONDS) {
    for (const col of chartColumns()) col.shift();
  }
  if (grew || !chart) buildChart();
  else chart.setData(chartColumns());
  describe();
}

// The devices' per-second counts from their history ({device, node, rate:
// {from, counts}}) replace the chart's past, so an opened page shows the
// whole window at once; live ticks go on from there.
export function loadRates(histories) {
  const rated = histories.filter((h) => h && h.rate && Array.isArray(h.rate.counts) && h.rate.counts.length);
  chartData.x.length = 0;
  chartData.total.length = 0;
  for (const col of chartData.byKey.values()) col.length = 0;
  if (rated.length) {
    const from = Math.min(...rated.map((h) => h.rate.from));
    const end = Math.max(...rated.map((h) => h.rate.from + h.rate.counts.length - 1));
    for (let second = from; second <= end; second++) {
      chartData.x.push(second);
      chartData.total.push(0);
    }
    for (const h of rated) {
      const key = `${h.device}@${h.node}`;
      if (!chartData.byKey.has(key)) chartKeys.push(key);
      const col = new Array(chartData.x.length).fill(0);
      chartData.byKey.set(key, col);
      h.rate.counts.forEach((n, i) => {
        const at = h.rate.from - from + i;
        col[at] = n;
        chartData.total[at] += n;
      });
    }
    for (const col of chartData.byKey.values()) {
      if (col.length < chartData.x.length) col.push(...new Array(chartData.x.length - col.length).fill(0));
    }
  }
  buildChart();
}

// The canvas has no text: how many seconds the chart shows and the events
// they hold, for people who read the page with other tools (and the tests).
function describe() {
  chartEl.dataset.seconds = String(chartData.x.length);
  chartEl.dataset.events = String(Math.round(chartData.total.reduce((sum, v) => sum + v, 0)));
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// uPlot takes its series at creation; a new device means a new chart.
function buildChart() {
  if (chart) chart.destroy();
  const fg = cssVar('--muted');
  const grid = cssVar('--grid');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const value = (u, v) => (v == null ? '—' : fmtRate(v));
  const series = [
    {},
    { label: 'total', stroke: cssVar('--fg'), width: 2, value },
    ...chartKeys.map((key, i) => ({ label: key, stroke: palette[i % palette.length], width: 1.5, value })),
  ];
  chart = new uPlot({
    width: Math.max(200, chartEl.clientWidth),
    height: CHART_HEIGHT,
    series,
    scales: {
      x: {
        time: true,
        // Always show the full window, even before it has filled up.
        // The window ends at the newest point, or now before there is one.
        range: () => {
          const xs = chartData.x;
          const end = xs.length ? xs[xs.length - 1] : Date.now() / 1000;
          return [end - CHART_SECONDS, end];
        },
      },
      y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [axis, { ...axis, size: 60, values: (u, vals) => vals.map((v) => fmtRate(v)) }],
    cursor: { drag: { x: false, y: false } },
  }, chartColumns(), chartEl);
  describe();
}

function chartColumns() {
  return [chartData.x, chartData.total, ...chartKeys.map((k) => chartData.byKey.get(k))];
}
