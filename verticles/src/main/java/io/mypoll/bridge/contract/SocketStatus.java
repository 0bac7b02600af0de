// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The one shape of {@code mypoll.sockets}: a node's SockJS bridge sockets,
 * {@code {"node", "time", "intervalMs", "sockets", "dropped"}}, where
 * {@code dropped} counts the messages dropped for sockets that could not take them.
 */
public final class SocketStatus {
    private SocketStatus() {
    }

    public static JsonObject of(String node, long intervalMs, int sockets, long dropped) {
        return new JsonObject()
                .put("node", node)
                .put("time", Instant.now().toString())
                .put("intervalMs", intervalMs)
                .put("sockets", sockets)
                .put("dropped", dropped);
    }
}
