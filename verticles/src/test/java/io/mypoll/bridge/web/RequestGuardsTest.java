// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.web.WebFixture.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP server refuses or bounds before any request reaches the bridge's logic. */
@ExtendWith(VertxExtension.class)
class RequestGuardsTest {

    private static RequestOptions request(WebFixture web, String path, String host, String origin) {
        RequestOptions options = new RequestOptions().setMethod(GET).setHost("127.0.0.1").setPort(web.http.port())
                .setURI(path).putHeader("Host", host);
        if (origin != null) {
            options.putHeader("Origin", origin);
        }
        return options;
    }

    @Test
    void aPageOnARebindingDomainCannotTrigger(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        String host = "rebind.evil:" + web.http.port();
        Response r = web.call(request(web, "/api/devices/d/trigger", host, "http://" + host).setMethod(POST)
                .putHeader("Content-Type", "text/plain"), Buffer.buffer("x"));
        assertEquals(421, r.status(), r.body());
        assertEquals("host rebind.evil:" + web.http.port() + " is not served here (http.allowedHosts)",
                r.json().getString("error"));
        assertEquals(0, web.device.stats().generated(), "nothing was written");
    }

    @Test
    void aWebSocketFromARebindingDomainIsRefused(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        String host = "rebind.evil:" + web.http.port();
        try (Socket socket = new Socket("127.0.0.1", web.http.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /eventbus/websocket HTTP/1.1\r\nHost: " + host
                    + "\r\nOrigin: http://" + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 421 Misdirected Request", status);
        }
    }

    @Test
    void loopbackNamesAndAddressesAreServed(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        for (String name : List.of("127.0.0.1", "localhost", "LOCALHOST", "[::1]", "127.0.0.2")) {
            String host = name + ":" + web.http.port();
            assertEquals(200, web.call(request(web, "/api/config", host, "http://" + host), null).status(), host);
        }
    }

    @Test
    void aConfiguredHostNameIsServedWithItsOwnOrigin(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("http", new JsonObject()
                .put("allowedHosts", new JsonArray().add("dash.example"))), 0);
        String host = "dash.example:" + web.http.port();
        assertEquals(200, web.call(request(web, "/api/config", host, "http://" + host), null).status());
        assertEquals(403, web.call(request(web, "/api/config", host, "http://other.example"), null).status());
    }

    @Test
    void onlyTheDashboardsFilesAreServed(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        for (String path : List.of("/", "/index.html", "/app.js", "/style.css", "/js/connection.js",
                "/lib/vertx-eventbus.js")) {
            assertEquals(200, web.call(GET, path, null, null).status(), path);
        }
        for (String path : List.of("/package.json", "/package-lock.json", "/copy-libs.mjs", "/.gitignore",
                "/node_modules/sockjs-client/package.json", "/js/../package.json", "/%2e%2e/pom.xml")) {
            assertEquals(404, web.call(GET, path, null, null).status(), path);
        }
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        for (String path : List.of("/", "/api/config", "/health")) {
            Response r = web.call(GET, path, null, null);
            String csp = r.headers().get("Content-Security-Policy");
            assertTrue(csp != null && csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
                    path + ": " + csp);
            assertEquals("DENY", r.headers().get("X-Frame-Options"), path);
            assertEquals("nosniff", r.headers().get("X-Content-Type-Options"), path);
            assertEquals("no-referrer", r.headers().get("Referrer-Policy"), path);
        }
    }

    @Test
    void theMediaTypeOfATriggerIsReadAsHttpDefinesIt(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertEquals(200, web.call(POST, "/api/devices/d/trigger", "TEXT/PLAIN", "upper").status());
        assertEquals(200, web.call(POST, "/api/devices/d/trigger", "text/plain; charset=utf-8", "param").status());
        Response odd = web.call(POST, "/api/devices/d/trigger", "text/plainxyz", "odd");
        assertEquals(415, odd.status(), odd.body());
        assertEquals(2, web.generated(2), "the two text payloads, nothing for the third");
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedWithItsOwnSize(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        Response r = web.call(new RequestOptions().setMethod(POST).setHost("127.0.0.1").setPort(web.http.port())
                .setURI("/api/devices/d/trigger").putHeader("Content-Type", "text/plain"),
                Buffer.buffer(new byte[] {'a', (byte) 0xff, (byte) 0xfe, 'b'}));
        assertEquals(400, r.status());
        assertEquals("the body (4 bytes) is not valid UTF-8", r.json().getString("error"));
        assertEquals(0, web.device.stats().generated());
    }

    @Test
    void aHalfSentRequestIsClosedAfterTheIdleTimeout(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("http", new JsonObject()
                .put("idleTimeoutSeconds", 1)), 0);
        try (Socket socket = new Socket("127.0.0.1", web.http.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            int read = socket.getInputStream().read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, read, "closed without an answer");
            // A timer never fires early, so the lower bound holds on any machine; the upper one only tells
            // the 1 s timeout from none, with room for a loaded machine to run the timer late.
            assertTrue(ms >= 800 && ms < 10_000, "closed after " + ms + " ms");
        }
    }

    @Test
    void aWrongTokenAndAnOversizedBodyAreAnsweredWithoutALogLine(Vertx vertx, @TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        String token = "0123456789abcdef0123456789";
        Files.writeString(tokenFile, token + "\n");
        WebFixture web = new WebFixture(vertx, new JsonObject().put("http", new JsonObject()
                .put("auth", new JsonObject().put("tokenFile", tokenFile.toString()))), 0);
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    logged.add(r.getLoggerName() + ": " + r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            Response wrong = web.call(request(web, "/api/config", "127.0.0.1", null)
                    .putHeader("Authorization", basic("wrong-token-of-some-length")), null);
            assertEquals(401, wrong.status());
            Response big = web.call(request(web, "/api/devices/d/trigger", "127.0.0.1", null).setMethod(POST)
                    .putHeader("Authorization", basic(token)).putHeader("Content-Type", "text/plain"),
                    Buffer.buffer("x".repeat(64 * 1024)));
            assertEquals(413, big.status());
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), logged, "what the refusals logged");
    }

    private static String basic(String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("http", new JsonObject()
                .put("maxConnections", 5)), 0);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(new Socket("127.0.0.1", web.http.port()));
            }
            await("the five connections open on the server").atMost(Duration.ofSeconds(10))
                    .until(() -> openConnections(web), n -> n == 5);
            try (Socket extra = new Socket("127.0.0.1", web.http.port())) {
                extra.setSoTimeout(3_000);
                assertEquals(-1, extra.getInputStream().read(), "the sixth connection is closed");
            }
            for (Socket s : open) {
                s.setSoTimeout(200);
                try {
                    int read = s.getInputStream().read();
                    org.junit.jupiter.api.Assertions.fail("one of the first five was closed or answered: " + read);
                } catch (SocketTimeoutException stillOpen) {
                    // nothing to read, and not closed
                }
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        await("the connections closed on the server").atMost(Duration.ofSeconds(10))
                .until(() -> openConnections(web), n -> n == 0);
        assertEquals(200, web.call(GET, "/api/config", null, null).status(), "served again once they closed");
    }

    /** The server's open connections, as its event loop counts them at its next turn. */
    private static int openConnections(WebFixture web) throws Exception {
        return web.http.nextTurn().map(v -> web.http.connections()).await(10, TimeUnit.SECONDS);
    }
}
