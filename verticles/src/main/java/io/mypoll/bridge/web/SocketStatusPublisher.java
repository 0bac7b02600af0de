// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.SocketStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Publishes {@code mypoll.sockets} once per status interval: this node's SockJS sockets and the messages
 * dropped for slow ones, which {@code GET /api/status} shows too. Used on the HTTP verticle's event loop only.
 */
final class SocketStatusPublisher {
    private final Vertx vertx;
    private final String node;
    private final long intervalMs;
    private final SockJsEndpoint sockJs;
    private final StatusCache status;

    SocketStatusPublisher(Vertx vertx, String node, long intervalMs, SockJsEndpoint sockJs, StatusCache status) {
        this.vertx = vertx;
        this.node = node;
        this.intervalMs = intervalMs;
        this.sockJs = sockJs;
        this.status = status;
    }

    /** From now on, once per interval; the timer ends with the verticle that started it. */
    void start() {
        vertx.setPeriodic(intervalMs, id -> publish());
    }

    private void publish() {
        int sockets = sockJs.sockets();
        long dropped = sockJs.dropped();
        status.sockets(new JsonObject().put("sockets", sockets).put("dropped", dropped));
        vertx.eventBus().publish(Addresses.SOCKETS, SocketStatus.of(node, intervalMs, sockets, dropped));
    }
}
