// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes one address's messages to the SockJS sockets that registered it,
 * instead of one event-bus consumer per socket: each message is one task on
 * the event loop and is encoded once, whatever the number of sockets. What a
 * socket cannot take yet waits in its write queue, bounded by
 * {@code bridge.socketBufferBytes}; beyond that its messages are dropped and
 * counted. So many sockets on a fast device cost bounded memory and time.
 * Used on the HTTP verticle's event loop only.
 */
final class EventFanOut {
    private final String address;
    /** The start of every frame: {"type":"rec","address":"...","body": */
    private final String framePrefix;
    private final Set<SockJSSocket> sockets = new LinkedHashSet<>();
    private long dropped;

    EventFanOut(String address) {
        this.address = address;
        // Addresses are the bridge's own constants: nothing in them needs escaping.
        this.framePrefix = "{\"type\":\"rec\",\"address\":\"" + address + "\",\"body\":";
    }

    String address() {
        return address;
    }

    boolean isEmpty() {
        return sockets.isEmpty();
    }

    void add(SockJSSocket socket) {
        sockets.add(socket);
    }

    void remove(SockJSSocket socket) {
        sockets.remove(socket);
    }

    /** One {"type": "rec"} frame of the bridge protocol with a body already encoded as JSON. */
    void publish(String bodyJson) {
        if (sockets.isEmpty()) {
            return;
        }
        Buffer frame = Buffer.buffer(framePrefix.length() + bodyJson.length() + 1)
                .appendString(framePrefix).appendString(bodyJson).appendString("}");
        List<SockJSSocket> closed = null;
        for (SockJSSocket socket : sockets) {
            try {
                if (socket.writeQueueFull()) {
                    dropped++;
                } else {
                    socket.write(frame);
                }
            } catch (IllegalStateException e) {
                // Closed, and the bridge has not told us yet.
                closed = closed == null ? new ArrayList<>() : closed;
                closed.add(socket);
            }
        }
        if (closed != null) {
            closed.forEach(sockets::remove);
        }
    }

    /** Messages not written because their socket's queue was full. */
    long dropped() {
        return dropped;
    }
}
