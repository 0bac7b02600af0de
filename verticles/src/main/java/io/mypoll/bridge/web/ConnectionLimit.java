// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * At most {@code max} open connections, each of which must send a request's
 * headers within the header deadline (from the connection's opening, or from
 * the first byte of a later request on it): one connection more is closed as
 * soon as it is accepted, so a flood costs a file descriptor for a moment,
 * never the process's limit, and a client that trickles header bytes holds
 * its slot for the deadline, not for the idle timeout after every byte.
 *
 * <p>A connection leaves the count when its channel closes, by whatever path:
 * once a connection is upgraded to a WebSocket, Vert.x hands the channel to
 * a new connection object and the first one's close handler never runs, so
 * the count follows the Netty channel. Runs on the HTTP server's event loop
 * (one verticle instance, so one loop), where the channel's close listener
 * runs too.
 */
final class ConnectionLimit implements Handler<HttpConnection> {
    private static final System.Logger LOG = System.getLogger(ConnectionLimit.class.getName());
    private static final long WARN_EVERY_NS = 60_000_000_000L;
    private final Vertx vertx;
    private final int max;
    private final long headerTimeoutMs;
    /** The open connections. Event loop only. */
    private final Map<HttpConnection, Slot> slots = new HashMap<>();
    private long refused;
    private long headerTimeouts;
    private long lastWarningNs = System.nanoTime() - WARN_EVERY_NS;

    /** One open connection: the requests it is being served, else the timer of its header deadline. */
    private static final class Slot {
        int serving;
        long deadline = -1;
        boolean upgraded;
    }

    ConnectionLimit(Vertx vertx, int max, long headerTimeoutMs) {
        this.vertx = vertx;
        this.max = max;
        this.headerTimeoutMs = headerTimeoutMs;
    }

    @Override
    public void handle(HttpConnection connection) {
        if (slots.size() >= max) {
            refused++;
            connection.close();
            long now = System.nanoTime();
            if (now - lastWarningNs >= WARN_EVERY_NS) {
                lastWarningNs = now;
                LOG.log(System.Logger.Level.WARNING, "{0} connections open, the limit (http.maxConnections): "
                        + "refusing more; {1} refused so far", slots.size(), refused);
            }
            return;
        }
        Slot slot = new Slot();
        slots.put(connection, slot);
        awaitHeaders(connection, slot);
        if (connection instanceof ConnectionBase base) {
            base.channel().closeFuture().addListener(f -> closed(connection));
            // The next request's deadline starts with its first byte: a connection kept alive between
            // requests is governed by the idle timeout, as browsers expect, not by the header deadline.
            base.channel().pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (slot.serving == 0 && slot.deadline < 0 && !slot.upgraded) {
                        awaitHeaders(connection, slot);
                    }
                    ctx.fireChannelRead(msg);
                }
            });
        } else {
            connection.closeHandler(v -> closed(connection));
        }
    }

    /**
     * A request's headers have arrived on its connection: no deadline while it
     * is served, and none for an upgraded connection.
     */
    void requestStarted(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        Slot slot = slots.get(connection);
        if (slot == null) {
            return;
        }
        cancelDeadline(slot);
        slot.serving++;
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            slot.upgraded = true;
            return;
        }
        request.response().endHandler(v -> slot.serving--);
    }

    private void awaitHeaders(HttpConnection connection, Slot slot) {
        if (slots.get(connection) != slot) {
            return;
        }
        slot.deadline = vertx.setTimer(headerTimeoutMs, id -> {
            if (slot.deadline == id) {
                slot.deadline = -1;
                headerTimeouts++;
                connection.close();
            }
        });
    }

    private void cancelDeadline(Slot slot) {
        if (slot.deadline >= 0) {
            vertx.cancelTimer(slot.deadline);
            slot.deadline = -1;
        }
    }

    private void closed(HttpConnection connection) {
        Slot slot = slots.remove(connection);
        if (slot != null) {
            cancelDeadline(slot);
        }
    }

    /** The open connection whose client is at that address; null when none. */
    HttpConnection from(SocketAddress client) {
        for (HttpConnection connection : slots.keySet()) {
            SocketAddress remote = connection.remoteAddress();
            if (remote != null && remote.port() == client.port()
                    && Objects.equals(remote.hostAddress(), client.hostAddress())) {
                return connection;
            }
        }
        return null;
    }

    /** Connections open now. */
    int open() {
        return slots.size();
    }

    /** Connections closed because their request's headers did not arrive in time, so far. */
    long headerTimeouts() {
        return headerTimeouts;
    }

    /** Connections refused at the limit, so far. */
    long refused() {
        return refused;
    }
}
