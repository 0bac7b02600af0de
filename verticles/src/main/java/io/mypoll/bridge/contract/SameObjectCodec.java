// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.eventbus.MessageCodec;

/**
 * A codec that hands every local consumer the published object itself:
 * for bodies that nobody changes once published, whose per-consumer copies
 * would only cost time. What crosses the network is the subclass's affair.
 */
abstract class SameObjectCodec<T> implements MessageCodec<T, T> {
    private final String name;

    SameObjectCodec(String name) {
        this.name = name;
    }

    /** Runs a registration of a codec; a second registration of the same codec does nothing. */
    static void registerOnce(Runnable registration) {
        try {
            registration.run();
        } catch (IllegalStateException alreadyRegistered) {
            // Another device verticle of the same Vert.x registered it: one codec serves both.
        }
    }

    @Override
    public final T transform(T body) {
        return body;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final byte systemCodecID() {
        return -1;
    }
}
