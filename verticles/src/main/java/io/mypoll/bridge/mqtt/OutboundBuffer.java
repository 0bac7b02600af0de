// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.mqtt;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The event messages that wait for the broker, bounded both in events and in bytes: a broker that is away
 * for long costs at most the bound, never the heap. A message that does not fit is refused, and its
 * events are the caller's to count as dropped. Used on the publisher's event loop only.
 */
final class OutboundBuffer {
    /**
     * One MQTT message of events.
     *
     * @param events how many events the payload holds (1, or a read's count in batch mode)
     */
    record Outgoing(String topic, Buffer payload, int events, boolean retain) {
    }

    private final int maxEvents;
    private final long maxBytes;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private long events;
    private long bytes;

    OutboundBuffer(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Queues the message when it fits within both bounds; false when it does not (nothing queued). */
    boolean offer(Outgoing message) {
        if (events + message.events() > maxEvents || bytes + message.payload().length() > maxBytes) {
            return false;
        }
        queue.addLast(message);
        events += message.events();
        bytes += message.payload().length();
        return true;
    }

    /**
     * Puts messages that were sent but not acknowledged back in front, in their order, to be sent again
     * after a reconnect. They were already taken in once; refusing them now would lose what was accepted,
     * so they may take the buffer past its bound by at most the in-flight window.
     */
    void requeueFirst(List<Outgoing> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Outgoing m = messages.get(i);
            queue.addFirst(m);
            events += m.events();
            bytes += m.payload().length();
        }
    }

    /** The oldest message, or null. */
    Outgoing poll() {
        Outgoing m = queue.pollFirst();
        if (m != null) {
            events -= m.events();
            bytes -= m.payload().length();
        }
        return m;
    }

    long events() {
        return events;
    }

    long bytes() {
        return bytes;
    }
}
