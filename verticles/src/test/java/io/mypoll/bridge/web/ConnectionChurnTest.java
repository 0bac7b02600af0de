// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.Main;
import io.mypoll.bridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A long life of arrivals and departures: 5,000 connections one after the
 * other over each transport, against a bridge that allows 20 at once. Each
 * must leave the count when it closes, however it closes, so that the bridge
 * still serves afterwards and its connections gauge is back at 0.
 */
@Timeout(600)
class ConnectionChurnTest {
    private static final int CONNECTIONS = 5_000;
    private static final int MAX_CONNECTIONS = 20;
    private Vertx vertx;
    private WebFixture web;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(Main.vertxOptions(BridgeConfig.from(new JsonObject().put("devices", new JsonArray()))));
        web = new WebFixture(vertx, new JsonObject()
                .put("http", new JsonObject().put("maxConnections", MAX_CONNECTIONS))
                .put("health", new JsonObject().put("port", freePort())), 0);
        port = web.http.port();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void webSocketsClosedCleanlyLeaveTheCount() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            try (RawWebSocket ws = RawWebSocket.open(port, false)) {
                ws.sendClose();
                assertEquals(1000, ws.awaitClose(10_000), "the server's close frame, connection " + i);
            }
        }
        assertServedWithNoConnectionLeft();
    }

    @Test
    void webSocketsDroppedWithoutACloseFrameLeaveTheCount() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            RawWebSocket ws = RawWebSocket.open(port, false);
            ws.close();
        }
        assertServedWithNoConnectionLeft();
    }

    @Test
    void sockJsXhrStreamingConnectionsLeaveTheCount() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            String answer = exchange("POST /eventbus/000/s" + i + "/xhr_streaming HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", "\no\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        assertServedWithNoConnectionLeft();
    }

    @Test
    void sockJsXhrPollingConnectionsLeaveTheCount() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            String answer = exchange("POST /eventbus/000/p" + i + "/xhr HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", null);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("\r\no\n"), answer);
        }
        assertServedWithNoConnectionLeft();
    }

    @Test
    void plainHttpConnectionsLeaveTheCount() throws Exception {
        for (int i = 0; i < CONNECTIONS; i++) {
            String answer = exchange("GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    null);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        assertServedWithNoConnectionLeft();
    }

    /**
     * Writes a request on a new connection and reads until {@code until} has
     * come (then drops the connection) or, when null, until the server closes it.
     */
    private String exchange(String request, String until) throws IOException {
        return exchange(port, request, until);
    }

    static String exchange(int port, String request, String until) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
                if (until != null && answer.toString(StandardCharsets.ISO_8859_1).contains(until)) {
                    break;
                }
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** /health answers 200 on the HTTP server itself, and the gauge, read on the health listener, reaches 0. */
    private void assertServedWithNoConnectionLeft() throws Exception {
        String health = exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", null);
        assertTrue(health.startsWith("HTTP/1.1 200"), health);
        long deadline = System.currentTimeMillis() + 10_000;
        double open;
        do {
            open = HealthListenerTest.scrape(web).value("mypoll_bridge_connections", Map.of());
        } while (open != 0 && System.currentTimeMillis() < deadline);
        assertEquals(0.0, open, "the connections gauge after the last one closed");
    }
}
