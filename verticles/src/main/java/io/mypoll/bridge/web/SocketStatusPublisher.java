// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.SocketStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Publishes {@code mypoll.sockets} once per status interval: this node's SockJS and TCP bridge sockets and
 * the messages dropped for slow ones, which {@code GET /api/status} shows too. Used on the HTTP verticle's
 * event loop only.
 */
final class SocketStatusPublisher {
    private final Vertx vertx;
    private final String node;
    private final long intervalMs;
    private final SockJsEndpoint sockJs;
    /** Null while {@code tcp.enabled} is off. */
    private final TcpEndpoint tcp;
    private final StatusCache status;

    SocketStatusPublisher(Vertx vertx, String node, long intervalMs, SockJsEndpoint sockJs, TcpEndpoint tcp,
                          StatusCache status) {
        this.vertx = vertx;
        this.node = node;
        this.intervalMs = intervalMs;
        this.sockJs = sockJs;
        this.tcp = tcp;
        this.status = status;
    }

    /** From now on, once per interval; the timer ends with the verticle that started it. */
    void start() {
        vertx.setPeriodic(intervalMs, id -> publish());
    }

    private void publish() {
        int sockets = sockJs.sockets();
        int tcpSockets = tcp == null ? 0 : tcp.sockets();
        long dropped = sockJs.dropped() + (tcp == null ? 0 : tcp.dropped());
        status.sockets(new JsonObject().put("sockets", sockets).put("tcpSockets", tcpSockets).put("dropped", dropped));
        vertx.eventBus().publish(Addresses.SOCKETS, SocketStatus.of(node, intervalMs, sockets, tcpSockets, dropped));
    }
}
