// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * Forwards a browser's trigger and control requests and writes the answer,
 * success or failure, with the request's reply address, so the page can
 * always match it. The SockJS bridge would count each waiting reply toward
 * its handler limit and report that limit without an address; here each
 * socket may have {@code bridge.maxRequestsPerSocket} requests waiting, and
 * one more is answered with a 429 failure at its own address. A request with
 * no reply address (a publish, or a send without a reply handler) is refused:
 * the device may refuse the write, and nobody would learn of it. Used on the
 * HTTP verticle's event loop only.
 */
final class RequestRelay {
    /** vertx-eventbus.js makes 36-character reply addresses; the bridge refuses longer ones too. */
    private static final int MAX_REPLY_ADDRESS = 36;
    static final int TOO_MANY = 429;
    private final Vertx vertx;
    private final int maxInFlight;
    private final long timeoutMs;
    private final Map<SockJSSocket, Integer> inFlight = new HashMap<>();

    RequestRelay(Vertx vertx, int maxInFlight, long timeoutMs) {
        this.vertx = vertx;
        this.maxInFlight = maxInFlight;
        this.timeoutMs = timeoutMs;
    }

    /** A {"type": "send" | "publish"} frame for a device address the socket may use. */
    void forward(SockJSSocket socket, JsonObject frame) {
        String address = frame.getString("address");
        Object replyAddress = frame.getValue("replyAddress");
        if (!"send".equals(frame.getValue("type")) || !(replyAddress instanceof String reply)
                || reply.isEmpty() || reply.length() > MAX_REPLY_ADDRESS) {
            writeError(socket, null, 400, "a request to " + address
                    + " needs a reply address: send it with a reply handler");
            return;
        }
        int waiting = inFlight.getOrDefault(socket, 0);
        if (waiting >= maxInFlight) {
            writeError(socket, reply, TOO_MANY, waiting + " requests of this socket are waiting for their reply "
                    + "(bridge.maxRequestsPerSocket); wait for one");
            return;
        }
        inFlight.put(socket, waiting + 1);
        vertx.eventBus().request(address, frame.getValue("body"), new DeliveryOptions().setSendTimeout(timeoutMs))
                .onComplete(ar -> {
                    inFlight.computeIfPresent(socket, (s, n) -> n > 1 ? n - 1 : null);
                    if (ar.succeeded()) {
                        write(socket, new JsonObject().put("type", "rec").put("address", reply)
                                .put("body", ar.result().body()));
                    } else if (ar.cause() instanceof ReplyException r) {
                        write(socket, new JsonObject().put("type", "err").put("address", reply)
                                .put("failureCode", r.failureCode()).put("failureType", r.failureType().name())
                                .put("message", r.getMessage()));
                    } else {
                        writeError(socket, reply, 500, String.valueOf(ar.cause().getMessage()));
                    }
                });
    }

    void closed(SockJSSocket socket) {
        inFlight.remove(socket);
    }

    /** An error frame of the bridge protocol; with an address, the client's reply handler gets it. */
    static void writeError(SockJSSocket socket, String replyAddress, int code, String message) {
        JsonObject frame = new JsonObject().put("type", "err");
        if (replyAddress != null) {
            frame.put("address", replyAddress).put("failureCode", code).put("failureType", "RECIPIENT_FAILURE")
                    .put("message", message);
        } else {
            frame.put("body", message);
        }
        write(socket, frame);
    }

    private static void write(SockJSSocket socket, JsonObject frame) {
        socket.write(Buffer.buffer(frame.encode()));
    }
}
