// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The one shape of {@code mypoll.sockets}: a node's bridge sockets,
 * {@code {"node", "time", "intervalMs", "sockets", "tcpSockets", "dropped"}}: {@code sockets} the SockJS
 * ones, {@code tcpSockets} the TCP endpoint's (0 while it is off), and {@code dropped} the messages dropped
 * for sockets of either that could not take them.
 */
public final class SocketStatus {
    private SocketStatus() {
    }

    public static JsonObject of(String node, long intervalMs, int sockets, int tcpSockets, long dropped) {
        return new JsonObject()
                .put("node", node)
                .put("time", Instant.now().toString())
                .put("intervalMs", intervalMs)
                .put("sockets", sockets)
                .put("tcpSockets", tcpSockets)
                .put("dropped", dropped);
    }
}
