// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Delivers a JSON event to every local consumer as the same object. Vert.x's
 * own JSON codec copies the object for each consumer; an event is never
 * changed once published (the contract says to treat event bodies as
 * read-only), so the copies only cost time. On the wire it is plain JSON.
 */
public final class SharedJsonCodec extends SameObjectCodec<JsonObject> {
    private static final String NAME = "mypoll-shared-json";

    /** This node's consumers only, each given the published object itself. */
    public static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true).setCodecName(NAME);

    private SharedJsonCodec() {
        super(NAME);
    }

    /** Registers the codec on this bus; a second call does nothing. */
    public static void register(EventBus bus) {
        registerOnce(() -> bus.registerCodec(new SharedJsonCodec()));
    }

    @Override
    public void encodeToWire(Buffer buffer, JsonObject json) {
        Buffer encoded = json.toBuffer();
        buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }
}
