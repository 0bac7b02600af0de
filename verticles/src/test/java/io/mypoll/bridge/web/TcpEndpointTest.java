// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static io.mypoll.bridge.web.TcpBridgeClient.isError;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * The TCP event-bus bridge, through a client speaking its length-prefixed frames: what a client may do and
 * the bounds on it are the SockJS endpoint's, so these are SockJsEndpointTest's and RequestGuardsTest's
 * cases, on TCP.
 */
@ExtendWith(VertxExtension.class)
class TcpEndpointTest {

    /** A bridge with the TCP endpoint on a free port, and these settings over it. */
    static WebFixture bridge(Vertx vertx, JsonObject settings) throws Exception {
        JsonObject tcp = new JsonObject().put("enabled", true).put("port", 0);
        JsonObject merged = new JsonObject().put("tcp", tcp).mergeIn(settings, true);
        return new WebFixture(vertx, merged, 0);
    }

    static WebFixture bridge(Vertx vertx) throws Exception {
        return bridge(vertx, new JsonObject());
    }

    private static TcpBridgeClient client(WebFixture web) throws IOException {
        return new TcpBridgeClient(web.http.tcpPort());
    }

    private static JsonObject tcpSettings(Object... keysAndValues) {
        JsonObject tcp = new JsonObject().put("enabled", true).put("port", 0);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            tcp.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new JsonObject().put("tcp", tcp);
    }

    @Test
    void liveEventsArriveInOrderWithNoGap(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web).registered(Addresses.EVENTS)) {
            int total = 5_000;
            web.device.burst(total);
            for (int seq = 1; seq <= total; seq++) {
                JsonObject frame = client.await(TcpBridgeClient.event("burst"), 10_000);
                assertEquals(seq, frame.getJsonObject("body").getLong("seq"), "event " + seq + " of " + total);
                assertEquals(false, frame.getBoolean("send"), "a publish");
            }
        }
    }

    @Test
    void batchedFramesCarryEveryEventInOrder(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web).registered(Addresses.BROWSER_EVENT_BATCHES)) {
            int total = 5_000;
            web.device.burst(total);
            List<Long> seqs = new ArrayList<>();
            while (seqs.size() < total) {
                JsonArray batch = client.await(f -> Addresses.BROWSER_EVENT_BATCHES.equals(f.getString("address")),
                        10_000).getJsonArray("body");
                batch.forEach(e -> seqs.add(((JsonObject) e).getLong("seq")));
            }
            for (int i = 0; i < total; i++) {
                assertEquals(i + 1, seqs.get(i), "event " + i);
            }
        }
    }

    @Test
    void aTriggerGetsItsReplyAndMakesTheManualEvent(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web).registered(Addresses.EVENTS)) {
            client.request(Addresses.trigger("d"), new JsonObject().put("payload", "over tcp"), "r1");
            List<JsonObject> frames = client.awaitEach(5_000, f -> "r1".equals(f.getString("address")),
                    TcpBridgeClient.event("manual"));
            assertEquals("message", frames.get(0).getString("type"));
            assertEquals(true, frames.get(0).getJsonObject("body").getBoolean("accepted"));
            assertEquals("over tcp", frames.get(1).getJsonObject("body").getString("payload"));
        }
    }

    @Test
    void aBadPayloadFailsAtItsReplyAddressAndNothingIsWritten(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web)) {
            client.request(Addresses.trigger("d"), new JsonObject().put("payload", "x".repeat(41)), "r1");
            JsonObject error = client.await(f -> "r1".equals(f.getString("address")), 5_000);
            assertEquals("err", error.getString("type"));
            assertEquals(400, error.getInteger("failureCode"));
            assertEquals("payload is 41 bytes of UTF-8; the limit is 40", error.getString("message"));
        }
        assertEquals(0, web.device.stats().generated(), "nothing was written");
    }

    @Test
    void addressesItMayNotUseAreRefusedAndNothingIsWritten(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web)) {
            client.request(Addresses.DEVICES, null, "r1");
            client.request(Addresses.control("d"), new JsonObject().put("periodMs", 1), "r2");
            client.register(Addresses.trigger("d"));
            client.send(new JsonObject().put("type", "publish").put("address", "mypoll.sink").put("body", "x"));
            for (int i = 0; i < 4; i++) {
                assertEquals("access_denied", client.await(TcpBridgeClient::isError, 5_000).getString("message"));
            }
        }
        assertEquals(0, web.device.stats().generated(), "nothing was written");
        assertEquals(0, web.device.periodUs(), "the period did not change");
    }

    @Test
    void controlWorksWhenEnabled(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx, new JsonObject().put("bridge", new JsonObject().put("allowControl", true)));
        try (TcpBridgeClient client = client(web)) {
            client.request(Addresses.control("d"), new JsonObject().put("periodMs", 20), "r1");
            JsonObject reply = client.await(f -> "r1".equals(f.getString("address")), 5_000);
            assertEquals(20000, reply.getJsonObject("body").getInteger("periodUs"));
        }
    }

    @Test
    void malformedFramesGetAnErrorAndTheSocketServesOn(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web)) {
            client.sendRaw("not json".getBytes(StandardCharsets.UTF_8));
            client.sendRaw("[]".getBytes(StandardCharsets.UTF_8));
            client.sendRaw(new byte[] {'{', (byte) 0xff, '}'});
            client.send(new JsonObject().put("type", "send").put("address", 5).put("replyAddress", "r1"));
            client.send(new JsonObject().put("type", "send").put("address", Addresses.trigger("d"))
                    .put("headers", "oops").put("replyAddress", "r1"));
            client.send(new JsonObject().put("type", 7).put("address", Addresses.EVENTS));
            client.send(new JsonObject().put("type", "message").put("address", Addresses.EVENTS));
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                messages.add(client.await(TcpBridgeClient::isError, 5_000).getString("message"));
            }
            assertEquals(List.of("malformed frame: not a JSON object", "malformed frame: not a JSON object",
                    "malformed frame: not a JSON object", "a frame needs a text address, and headers as an object",
                    "a frame needs a text address, and headers as an object", "unknown_type", "unknown_type"),
                    messages);
            client.send(new JsonObject().put("type", "ping"));
            assertEquals("pong", client.await(f -> !isError(f), 5_000).getString("type"));
        }
        assertEquals(0, web.device.stats().generated(), "nothing was written");
    }

    @Test
    void aTriggerWithoutAReplyAddressIsRefusedAndNothingIsWritten(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web).registered(Addresses.EVENTS)) {
            client.send(new JsonObject().put("type", "publish").put("address", Addresses.trigger("d"))
                    .put("body", new JsonObject().put("payload", "fire")));
            client.send(new JsonObject().put("type", "send").put("address", Addresses.trigger("d"))
                    .put("body", new JsonObject().put("payload", "forget")));
            for (int i = 0; i < 2; i++) {
                assertEquals("a request to mypoll.trigger.d needs a reply address: send it with a reply handler",
                        client.await(TcpBridgeClient::isError, 5_000).getString("message"));
            }
            // A trigger sent after them marks their end: had either been written, its event would come first.
            client.request(Addresses.trigger("d"), new JsonObject().put("payload", "marker"), "r1");
            assertEquals("marker", client.await(TcpBridgeClient.event("manual"), 5_000).getJsonObject("body")
                    .getString("payload"));
        }
        assertEquals(1, web.device.stats().generated());
    }

    @Test
    void aFrameOverTheLimitClosesItsSocketWithAnErrorAndNothingIsWritten(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        int limit = web.config.bridge().maxFrameBytes();
        try (TcpBridgeClient client = client(web)) {
            byte[] big = ("{\"type\":\"send\",\"address\":\"mypoll.trigger.d\",\"replyAddress\":\"r1\",\"body\":\""
                    + "x".repeat(limit) + "\"}").getBytes(StandardCharsets.UTF_8);
            client.sendRaw(big);
            JsonObject error = client.await(f -> true, 5_000);
            assertEquals("err", error.getString("type"), error.encode());
            assertEquals("a frame of " + big.length + " bytes is over bridge.maxFrameBytes (" + limit + ")",
                    error.getString("message"));
            assertTrue(client.closedWithin(5_000), "closed");
        }
        // A length of 2 GiB - 1, then nothing: refused on its announced length, without waiting for the bytes.
        try (TcpBridgeClient client = client(web)) {
            client.socket.getOutputStream().write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertTrue(client.await(f -> true, 5_000).getString("message").startsWith("a frame of 2147483647 bytes"));
            assertTrue(client.closedWithin(5_000), "closed");
        }
        assertEquals(0, web.device.stats().generated(), "no trigger came through");
    }

    @Test
    void aRequestBeyondTheInFlightLimitFailsAtItsOwnReplyAddress(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        // A device that never answers keeps every request waiting.
        vertx.eventBus().consumer(Addresses.trigger("mute"), message -> { }).completion().await();
        try (TcpBridgeClient client = client(web)) {
            for (int i = 1; i <= 17; i++) {
                client.request(Addresses.trigger("mute"), new JsonObject().put("payload", "p"), "r" + i);
            }
            JsonObject refused = client.await(f -> "r17".equals(f.getString("address")), 5_000);
            assertEquals("err", refused.getString("type"));
            assertEquals(429, refused.getInteger("failureCode"));
            assertTrue(refused.getString("message").contains("bridge.maxRequestsPerSocket"), refused.encode());
            assertTrue(client.frames.stream().noneMatch(f -> f.getString("address") == null),
                    "no error without an address: " + client.frames);
        }
        assertEquals(0, web.device.stats().generated());
    }

    @Test
    void socketsBeyondTheLimitAreRefusedAtOnce(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx, tcpSettings("maxConnections", 3));
        List<TcpBridgeClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(client(web).registered(Addresses.EVENTS));
            }
            try (TcpBridgeClient extra = client(web)) {
                JsonObject error = extra.await(f -> true, 5_000);
                assertEquals("3 sockets are open, the limit (tcp.maxConnections)", error.getString("message"));
                assertTrue(extra.closedWithin(5_000), "the fourth is closed");
            }
            web.device.burst(1);
            for (TcpBridgeClient client : open) {
                client.await(TcpBridgeClient.event("burst"), 5_000);
            }
        } finally {
            for (TcpBridgeClient client : open) {
                client.close();
            }
        }
        await("the three closed on the server").atMost(Duration.ofSeconds(10))
                .until(() -> web.http.tcpSockets().await(5, TimeUnit.SECONDS), n -> n == 0);
        try (TcpBridgeClient again = client(web)) {
            again.send(new JsonObject().put("type", "ping"));
            assertEquals("pong", again.await(f -> true, 5_000).getString("type"), "served again once they closed");
        }
    }

    @Test
    void aSilentSocketIsClosedAfterTheIdleTimeoutWhileAPingingOneStays(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx, tcpSettings("idleTimeoutSeconds", 1));
        try (TcpBridgeClient silent = client(web); TcpBridgeClient pinging = client(web)) {
            long start = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                pinging.send(new JsonObject().put("type", "ping"));
                pinging.await(f -> "pong".equals(f.getString("type")), 5_000);
                // Pacing, not a wait for a condition: a ping every 400 ms, within the 1 s timeout.
                Thread.sleep(400);
            }
            assertTrue(silent.closedWithin(10_000), "the silent socket was closed");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 800, "closed after " + ms + " ms");
            assertFalse(pinging.closedWithin(0), "the pinging socket is open");
            pinging.send(new JsonObject().put("type", "ping"));
            assertEquals("pong", pinging.await(f -> true, 5_000).getString("type"));
        }
    }

    @Test
    void tcpSocketsAreCountedOnMypollSockets(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        try (TcpBridgeClient client = client(web)) {
            client.register(Addresses.SOCKETS);
            JsonObject counters = client.await(f -> Addresses.SOCKETS.equals(f.getString("address")), 5_000)
                    .getJsonObject("body");
            assertEquals(1, counters.getInteger("tcpSockets"), counters.encode());
            assertEquals(0, counters.getInteger("sockets"), "no SockJS socket");
        }
    }

    @Test
    void aThousandSocketsOpenedAndClosedLeaveTheCountAtZero() throws Exception {
        Vertx vertx = Vertx.vertx(io.mypoll.bridge.Main.vertxOptions(io.mypoll.bridge.config.BridgeConfig.from(
                new JsonObject().put("devices", new JsonArray()))));
        try {
            WebFixture web = bridge(vertx, tcpSettings("maxConnections", 20));
            for (int i = 0; i < 1_000; i++) {
                try (TcpBridgeClient client = client(web)) {
                    if (i % 2 == 0) {
                        // Half say goodbye after a register and a ping; the others just go.
                        client.register(Addresses.EVENTS);
                        client.send(new JsonObject().put("type", "ping"));
                        assertEquals("pong", client.await(f -> true, 5_000).getString("type"), "socket " + i);
                    }
                }
            }
            await("the TCP sockets counted at zero").atMost(Duration.ofSeconds(10))
                    .until(() -> web.http.tcpSockets().await(5, TimeUnit.SECONDS), n -> n == 0);
            WebFixture.Response metrics = web.call(io.vertx.core.http.HttpMethod.GET, "/metrics", null, null);
            assertEquals(0.0, PrometheusText.parse(metrics.body()).value("mypoll_bridge_tcp_sockets",
                    java.util.Map.of()), "the gauge");
            assertEquals(0.0, PrometheusText.parse(metrics.body()).value(
                    "mypoll_bridge_tcp_connections_refused_total", java.util.Map.of()), "none refused at 20");
            try (TcpBridgeClient last = client(web)) {
                last.send(new JsonObject().put("type", "ping"));
                assertEquals("pong", last.await(f -> true, 5_000).getString("type"), "still served");
            }
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aClientThatStopsReadingHasItsEventsDroppedWhileAnotherGetsEverything(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx, new JsonObject().put("bridge", new JsonObject()
                .put("socketBufferBytes", 8 << 20)));
        try (TcpBridgeClient stalled = new TcpBridgeClient(new StalledSocket(web.http.tcpPort()));
             TcpBridgeClient reading = client(web).registered(Addresses.EVENTS)) {
            // It reads nothing, so nothing shows when its register is handled: the events go on for 3 s.
            stalled.register(Addresses.EVENTS);
            // 60,000 events at 20,000/s: far more than the stalled socket's buffers hold (about 15 MB).
            web.device.setPeriodUs(50);
            web.generated(60_000);
            web.device.setPeriodUs(0);
            long total = web.device.stats().generated();
            for (long seq = 1; seq <= total; seq++) {
                JsonObject frame = reading.await(TcpBridgeClient.event("timer"), 20_000);
                assertEquals(seq, frame.getJsonObject("body").getLong("seq"), "the reading client, with no gap");
            }
            assertTrue(web.http.dropped() > total / 4, "the stalled client's events were dropped: "
                    + web.http.dropped() + " of " + total);
        }
    }

    /** A socket that reads nothing: a client that stopped reading, whose kernel buffers fill. */
    private static final class StalledSocket extends Socket {
        StalledSocket(int port) throws IOException {
            super("127.0.0.1", port);
            setReceiveBufferSize(4096);
        }

        @Override
        public java.io.InputStream getInputStream() {
            return new java.io.InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("this client does not read");
                }
            };
        }
    }

    @Test
    void nothingAClientSendsReachesTheLog(Vertx vertx) throws Exception {
        WebFixture web = bridge(vertx);
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue()) {
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
        String forged = "x\nSEVERE [forged] line\u0000\u001b[31m";
        try (TcpBridgeClient client = client(web)) {
            client.request("mypoll.trigger." + forged, forged, "r1");
            client.register(forged);
            client.request(Addresses.trigger("d"), new JsonObject().put("payload", forged.repeat(3)), "r1");
            client.send(new JsonObject().put("type", forged).put("address", forged));
            client.sendRaw(forged.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                JsonObject error = client.await(TcpBridgeClient::isError, 5_000);
                assertFalse(error.encode().contains("forged"), "the client's text is not echoed: " + error.encode());
            }
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), logged.stream().filter(l -> l.contains("forged")).toList(),
                "what the frames logged");
        assertEquals(0, web.device.stats().generated());
    }

    @Test
    void withATokenTheFirstFrameMustCarryIt(Vertx vertx, @TempDir Path dir) throws Exception {
        String token = "0123456789abcdef0123456789";
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, token + "\n");
        WebFixture web = bridge(vertx, new JsonObject().put("http", new JsonObject()
                .put("auth", new JsonObject().put("tokenFile", tokenFile.toString()))));
        try (TcpBridgeClient without = client(web)) {
            without.send(new JsonObject().put("type", "ping"));
            assertEquals("pong", without.await(f -> true, 5_000).getString("type"), "a ping needs no token");
            without.request(Addresses.trigger("d"), new JsonObject().put("payload", "no"), "r1");
            assertTrue(without.await(f -> true, 5_000).getString("message").startsWith("token required"));
            assertTrue(without.closedWithin(5_000), "closed");
        }
        try (TcpBridgeClient wrong = client(web)) {
            wrong.send(new JsonObject().put("type", "register").put("address", Addresses.EVENTS)
                    .put("headers", new JsonObject().put("token", "wrong-token-0123456789")));
            assertEquals("wrong token", wrong.await(f -> true, 5_000).getString("message"));
            assertTrue(wrong.closedWithin(5_000), "closed");
        }
        assertEquals(0, web.device.stats().generated(), "nothing written without the token");
        try (TcpBridgeClient with = client(web)) {
            with.send(new JsonObject().put("type", "send").put("address", TcpEndpoint.AUTH).put("replyAddress", "a1")
                    .put("headers", new JsonObject().put("token", token)));
            assertEquals(true, with.await(f -> "a1".equals(f.getString("address")), 5_000).getJsonObject("body")
                    .getBoolean("authenticated"));
            with.registered(Addresses.EVENTS);
            with.request(Addresses.trigger("d"), new JsonObject().put("payload", "with"), "r1");
            with.awaitEach(5_000, f -> "r1".equals(f.getString("address")), TcpBridgeClient.event("manual"));
        }
        assertEquals(1, web.generated(1));
    }
}
