// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/** A browser's side of the SockJS event-bus bridge, over a raw WebSocket: the frames vertx-eventbus.js sends. */
final class BusSocket {
    private static final String PING = new JsonObject().put("type", "ping").encode();
    /** Kept with its socket: Vert.x closes a client, and its WebSockets, once the client is garbage. */
    private final WebSocketClient client;
    final WebSocket ws;
    private volatile boolean open = true;

    private BusSocket(WebSocketClient client, WebSocket ws) {
        this.client = client;
        this.ws = ws;
    }

    /** A socket to {@code 127.0.0.1:port} that pings every 5 s, as the official client does. */
    static Future<BusSocket> connect(Vertx vertx, int port, Consumer<JsonObject> frames) {
        WebSocketClient client = vertx.createWebSocketClient();
        return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/eventbus/websocket").setTimeout(10_000)).map(ws -> {
                    ws.handler(data -> frames.accept(data.toJsonObject()));
                    long pinger = vertx.setPeriodic(5_000, id -> ws.writeTextMessage(PING));
                    BusSocket socket = new BusSocket(client, ws);
                    ws.closeHandler(v -> {
                        vertx.cancelTimer(pinger);
                        socket.open = false;
                    });
                    return socket;
                });
    }

    void register(String address) {
        ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    }

    void request(String address, JsonObject body, String replyAddress) {
        ws.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body)
                .put("replyAddress", replyAddress).encode());
    }

    /** Whether the socket is still open: the bridge may have closed it (ping timeout, a full queue). */
    boolean open() {
        return open;
    }

    WebSocketClient client() {
        return client;
    }
}
