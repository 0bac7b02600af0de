// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes one address's messages to the bridge sockets that registered it,
 * instead of one event-bus consumer per socket: each message is one task on
 * the event loop and is encoded once, whatever the number of sockets. What a
 * socket cannot take yet waits in its write queue, bounded by
 * {@code bridge.socketBufferBytes}; beyond that its messages are dropped and
 * counted. So many sockets on a fast device cost bounded memory and time,
 * on either endpoint (SockJS or TCP: the {@link BridgeProtocol} spells the frame).
 * Used on the HTTP verticle's event loop only.
 */
final class EventFanOut {
    private final String address;
    private final BridgeProtocol protocol;
    /** The start of every frame, up to the body. */
    private final String framePrefix;
    private final Set<WriteStream<Buffer>> sockets = new LinkedHashSet<>();
    private long dropped;

    EventFanOut(String address, BridgeProtocol protocol) {
        this.address = address;
        this.protocol = protocol;
        this.framePrefix = protocol.messagePrefix(address);
    }

    String address() {
        return address;
    }

    boolean isEmpty() {
        return sockets.isEmpty();
    }

    void add(WriteStream<Buffer> socket) {
        sockets.add(socket);
    }

    void remove(WriteStream<Buffer> socket) {
        sockets.remove(socket);
    }

    /** One message frame of the protocol with a body already encoded as JSON. */
    void publish(String bodyJson) {
        if (sockets.isEmpty()) {
            return;
        }
        Buffer frame = protocol.message(framePrefix, bodyJson);
        List<WriteStream<Buffer>> closed = null;
        for (WriteStream<Buffer> socket : sockets) {
            try {
                if (socket.writeQueueFull()) {
                    dropped++;
                } else {
                    socket.write(frame);
                }
            } catch (IllegalStateException e) {
                // Closed, and its endpoint has not told us yet.
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
