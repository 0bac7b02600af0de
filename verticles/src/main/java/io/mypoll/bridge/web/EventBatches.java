// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.Vertx;

/**
 * The events of {@code mypoll.events.batched}: many events per frame for
 * clients at high rates, each frame's body a JSON array of events in the
 * order they were published. A frame is sent once the event loop has handled
 * the events already queued for it (or as soon as it holds
 * {@code batchMaxEvents}): a lone event goes at once, alone, and the events
 * of a burst, which arrive together, go together. Each event is encoded
 * once, for every socket. Used on the HTTP verticle's event loop only.
 */
final class EventBatches {
    private final Vertx vertx;
    private final EventFanOut sockets;
    private final int maxEvents;
    /** The open frame body: "[e1,e2,..." without its closing bracket. */
    private final StringBuilder body = new StringBuilder(8192);
    private int events;
    /** A send is queued behind the event loop's pending tasks. */
    private boolean sendQueued;

    EventBatches(Vertx vertx, String address, int maxEvents, BridgeProtocol protocol) {
        this.vertx = vertx;
        this.sockets = new EventFanOut(address, protocol);
        this.maxEvents = maxEvents;
    }

    EventFanOut sockets() {
        return sockets;
    }

    /** An event, encoded as JSON. */
    void add(String eventJson) {
        if (sockets.isEmpty()) {
            return;
        }
        body.append(events == 0 ? '[' : ',').append(eventJson);
        events++;
        if (events >= maxEvents) {
            send();
        } else if (!sendQueued) {
            // Runs after the tasks already queued on this event loop: the rest of a burst.
            sendQueued = true;
            vertx.runOnContext(v -> {
                sendQueued = false;
                send();
            });
        }
    }

    private void send() {
        if (events == 0) {
            return;
        }
        sockets.publish(body.append(']').toString());
        body.setLength(0);
        events = 0;
    }
}
