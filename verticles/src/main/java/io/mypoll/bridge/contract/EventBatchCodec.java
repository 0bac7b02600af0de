// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an {@link EventBatch} to local consumers as it is: a batch is
 * immutable, so the event bus's per-consumer copy ({@link #transform}) is
 * the batch itself. It never crosses the network: {@code mypoll.events.local}
 * is published local-only, and other nodes get {@code mypoll.events.batch}.
 */
public final class EventBatchCodec implements MessageCodec<EventBatch, EventBatch> {
    static final String NAME = "mypoll-event-batch";

    /** Makes {@link EventBatch} a message body on this bus; a second call does nothing. */
    public static void register(EventBus bus) {
        try {
            bus.registerDefaultCodec(EventBatch.class, new EventBatchCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // Another device verticle of the same Vert.x registered it: one codec serves both.
        }
    }

    @Override
    public EventBatch transform(EventBatch batch) {
        return batch;
    }

    @Override
    public void encodeToWire(Buffer buffer, EventBatch batch) {
        throw new UnsupportedOperationException("an event batch is for consumers on the node that read it");
    }

    @Override
    public EventBatch decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("an event batch is for consumers on the node that read it");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
