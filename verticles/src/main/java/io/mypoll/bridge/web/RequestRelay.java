// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Forwards a client's trigger, history and control requests and writes the
 * answer, success or failure, with the request's reply address, so the client can
 * always match it. The SockJS bridge would count each waiting reply toward
 * its handler limit and report that limit without an address; here each
 * socket may have {@code bridge.maxRequestsPerSocket} requests waiting, and
 * one more is answered with a 429 failure at its own address. A request with
 * no reply address (a publish, or a send without a reply handler) is refused:
 * the device may refuse the write, and nobody would learn of it. One relay
 * per endpoint, both with these rules, each writing its own protocol's frames
 * ({@link BridgeProtocol}). Used on the HTTP verticle's event loop only.
 */
final class RequestRelay {
    /** vertx-eventbus.js and the Python client make 36-character reply addresses; the bridge refuses longer ones. */
    private static final int MAX_REPLY_ADDRESS = 36;
    static final int TOO_MANY = 429;
    /** How long a request waits for its reply, on either endpoint: the SockJS bridge's own default. */
    private static final long REPLY_TIMEOUT_MS = SockJSBridgeOptions.DEFAULT_REPLY_TIMEOUT;
    private final Vertx vertx;
    private final BridgeProtocol protocol;
    private final int maxInFlight;
    private final Map<WriteStream<Buffer>, Integer> inFlight = new HashMap<>();

    RequestRelay(Vertx vertx, BridgeProtocol protocol, int maxInFlight) {
        this.vertx = vertx;
        this.protocol = protocol;
        this.maxInFlight = maxInFlight;
    }

    /**
     * A {"type": "send" | "publish"} frame, well formed ({@link ClientAccess#malformed}), for an address the
     * socket may send requests to ({@link ClientAccess#mayRequest}).
     */
    void forward(WriteStream<Buffer> socket, JsonObject frame) {
        String address = frame.getString("address");
        Object replyAddress = frame.getValue("replyAddress");
        if (!"send".equals(frame.getValue("type")) || !(replyAddress instanceof String reply)
                || reply.isEmpty() || reply.length() > MAX_REPLY_ADDRESS) {
            refuse(socket, "a request to " + address + " needs a reply address: send it with a reply handler");
            return;
        }
        int waiting = inFlight.getOrDefault(socket, 0);
        if (waiting >= maxInFlight) {
            write(socket, protocol.failure(reply, TOO_MANY, "RECIPIENT_FAILURE", waiting + " requests of this "
                    + "socket are waiting for their reply (bridge.maxRequestsPerSocket); wait for one"));
            return;
        }
        inFlight.put(socket, waiting + 1);
        vertx.eventBus().request(address, frame.getValue("body"), new DeliveryOptions().setSendTimeout(REPLY_TIMEOUT_MS))
                .onComplete(ar -> {
                    inFlight.computeIfPresent(socket, (s, n) -> n > 1 ? n - 1 : null);
                    if (ar.succeeded()) {
                        write(socket, protocol.reply(reply, ar.result().body()));
                    } else if (ar.cause() instanceof ReplyException r) {
                        write(socket, protocol.failure(reply, r.failureCode(), r.failureType().name(),
                                r.getMessage()));
                    } else {
                        write(socket, protocol.failure(reply, 500, "RECIPIENT_FAILURE",
                                String.valueOf(ar.cause().getMessage())));
                    }
                });
    }

    void closed(WriteStream<Buffer> socket) {
        inFlight.remove(socket);
    }

    /** An error frame with no address: what the client sent was refused before it became a request. */
    void refuse(WriteStream<Buffer> socket, String message) {
        write(socket, protocol.refusal(message));
    }

    private void write(WriteStream<Buffer> socket, JsonObject frame) {
        socket.write(protocol.encode(frame));
    }
}
