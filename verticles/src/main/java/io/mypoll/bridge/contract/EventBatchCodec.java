// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

/**
 * Passes an {@link EventBatch} to local consumers as it is: a batch is
 * immutable, so the event bus's per-consumer copy is the batch itself. It
 * never crosses the network: {@code mypoll.events.local} is published
 * local-only, and other nodes get {@code mypoll.events.batch}.
 */
public final class EventBatchCodec extends SameObjectCodec<EventBatch> {
    private EventBatchCodec() {
        super("mypoll-event-batch");
    }

    /** Makes {@link EventBatch} a message body on this bus; a second call does nothing. */
    public static void register(EventBus bus) {
        registerOnce(() -> bus.registerDefaultCodec(EventBatch.class, new EventBatchCodec()));
    }

    @Override
    public void encodeToWire(Buffer buffer, EventBatch batch) {
        throw new UnsupportedOperationException("an event batch is for consumers on the node that read it");
    }

    @Override
    public EventBatch decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("an event batch is for consumers on the node that read it");
    }
}
