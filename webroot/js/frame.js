// SPDX-License-Identifier: Apache-2.0
// Drawing at most once per animation frame. Events can arrive at tens of
// thousands per second, so message handlers only store what changed and ask
// for a draw; each asked-for draw function runs once in the next frame.

const pending = new Set();
let frameRequested = false;

export function requestDraw(draw) {
  pending.add(draw);
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(drawPending);
  }
}

function drawPending(now) {
  frameRequested = false;
  const draws = [...pending];
  // Cleared first: a draw that asks again (to wait a little) gets the next frame.
  pending.clear();
  for (const draw of draws) draw(now);
}
