// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.HeapUse;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.config.BridgeOptions;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SockJS event-bus bridge, through a real WebSocket client speaking the bridge's frames. */
@ExtendWith(VertxExtension.class)
class SockJsEndpointTest {

    private static boolean isError(JsonObject frame) {
        return "err".equals(frame.getString("type"));
    }

    @Test
    void aClientReceivesTheAllowedPublishes(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 10_000);
        EventBusSocket socket = web.socket();
        socket.register(Addresses.EVENTS);
        socket.register(Addresses.STATUS);
        JsonObject event = socket.await(EventBusSocket.event("timer"), 5_000).getJsonObject("body");
        assertEquals("d", event.getString("device"));
        JsonObject status = socket.await(f -> "rec".equals(f.getString("type"))
                && Addresses.STATUS.equals(f.getString("address")), 5_000);
        assertEquals("web-test", status.getJsonObject("body").getString("node"));
    }

    @Test
    void aClientReceivesEachNodesSocketCounters(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.register(Addresses.SOCKETS);
        JsonObject counters = socket.await(f -> "rec".equals(f.getString("type"))
                && Addresses.SOCKETS.equals(f.getString("address")), 5_000).getJsonObject("body");
        assertEquals(java.util.Set.of("node", "time", "intervalMs", "sockets", "tcpSockets", "dropped"),
                counters.fieldNames());
        assertEquals("web-test", counters.getString("node"));
        assertEquals(1, counters.getInteger("sockets"), "this socket");
    }

    @Test
    void aSendToAnAddressThatIsNotAllowedIsDenied(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.DEVICES, null, "r1");
        assertEquals("access_denied", socket.await(SockJsEndpointTest::isError, 5_000).getString("body"));
    }

    @Test
    void controlIsDeniedUnlessEnabled(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.control("d"), new JsonObject().put("periodMs", 1), "r1");
        assertEquals("access_denied", socket.await(SockJsEndpointTest::isError, 5_000).getString("body"));
        assertEquals(0, web.device.periodUs(), "the period did not change");
    }

    @Test
    void controlWorksWhenEnabled(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, true, 0);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.control("d"), new JsonObject().put("periodMs", 20), "r1");
        JsonObject reply = socket.await(f -> "r1".equals(f.getString("address")), 5_000);
        assertEquals(20000, reply.getJsonObject("body").getInteger("periodUs"));
    }

    @Test
    void aRegisterForAnAddressThatIsNotAllowedIsRefused(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.register(Addresses.trigger("d"));
        assertEquals("access_denied", socket.await(SockJsEndpointTest::isError, 5_000).getString("body"));
    }

    @Test
    void aTriggerThroughTheBridgeMakesTheManualEvent(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        socket.request(Addresses.trigger("d"), new JsonObject().put("payload", "from the browser"), "r1");
        List<JsonObject> frames = socket.awaitEach(5_000, f -> "r1".equals(f.getString("address")),
                EventBusSocket.event("manual"));
        assertEquals(true, frames.get(0).getJsonObject("body").getBoolean("accepted"));
        assertEquals("from the browser", frames.get(1).getJsonObject("body").getString("payload"));
    }

    @Test
    void aBadTriggerPayloadGetsAClearError(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.trigger("d"), new JsonObject().put("payload", "x".repeat(41)), "r1");
        JsonObject error = socket.await(f -> "r1".equals(f.getString("address")) || isError(f), 5_000);
        assertEquals("err", error.getString("type"));
        assertEquals(400, error.getInteger("failureCode"));
        assertEquals("payload is 41 bytes of UTF-8; the limit is 40", error.getString("message"));
        assertEquals(0, web.device.stats().generated(), "nothing was written");
    }

    @Test
    void aLoneSurrogateInATriggerPayloadGetsAClearError(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        // Written as JSON text: encoding a Java string would turn the lone surrogate into '?' on the way.
        socket.ws.writeTextMessage("{\"type\": \"send\", \"address\": \"mypoll.trigger.d\", "
                + "\"body\": {\"payload\": \"x\\udc00\"}, \"replyAddress\": \"r1\"}").await(5, TimeUnit.SECONDS);
        JsonObject error = socket.await(f -> "r1".equals(f.getString("address")) || isError(f), 5_000);
        assertEquals("err", error.getString("type"));
        assertEquals(400, error.getInteger("failureCode"));
        assertEquals("payload must be Unicode text, not a lone UTF-16 surrogate (\\udc00 at character 1)",
                error.getString("message"));
        assertEquals(0, web.device.stats().generated(), "nothing was written");
    }

    private static boolean isBatch(JsonObject frame) {
        return "rec".equals(frame.getString("type")) && Addresses.BROWSER_EVENT_BATCHES.equals(frame.getString("address"));
    }

    /** A socket registered on the batched address. */
    private static EventBusSocket batchedSocket(WebFixture web) throws InterruptedException {
        return web.registered(Addresses.BROWSER_EVENT_BATCHES);
    }

    @Test
    void batchedFramesCarryEveryEventInOrderWithNoGapAndNoDuplicate(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = batchedSocket(web);
        int total = 20_000;
        web.device.burst(total);
        List<Long> seqs = new ArrayList<>();
        int frames = 0;
        while (seqs.size() < total) {
            JsonArray batch = socket.await(SockJsEndpointTest::isBatch, 10_000).getJsonArray("body");
            frames++;
            batch.forEach(e -> seqs.add(((JsonObject) e).getLong("seq")));
        }
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "event " + i + " of " + seqs.size() + " in " + frames + " frames");
        }
        assertTrue(frames <= total / 10, "a burst goes in few frames: " + frames + " for " + total + " events");
        assertTrue(frames >= total / BridgeOptions.DEFAULT_BATCH_MAX_EVENTS, "no frame holds more than "
                + BridgeOptions.DEFAULT_BATCH_MAX_EVENTS + ": " + frames + " frames");
    }

    @Test
    void aLoneEventIsSentAtOnceWithoutWaitingForABatchToFill(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = batchedSocket(web);
        for (int seq = 1; seq <= 3; seq++) {
            web.device.burst(1);
            JsonArray batch = socket.await(SockJsEndpointTest::isBatch, 2_000).getJsonArray("body");
            assertEquals(1, batch.size(), "a frame of its own: " + batch.encode());
            assertEquals(seq, batch.getJsonObject(0).getLong("seq"));
        }
    }

    @Test
    void aClientThatStopsReadingHasItsEventsDroppedWhileAnotherGetsEverything(Vertx vertx) throws Exception {
        // 8 MB per socket: the reading client may fall 1.6 s behind (a loaded machine, a collection) and still
        // lose nothing, while the stalled one, sent 40 MB, must drop most of it.
        WebFixture web = new WebFixture(vertx, new JsonObject()
                .put("bridge", new JsonObject().put("allowControl", false).put("socketBufferBytes", 8 << 20)), 0);
        EventBusSocket slow = web.registered(Addresses.EVENTS);
        EventBusSocket fast = web.socket();
        AtomicLong received = new AtomicLong();
        AtomicLong lastSeq = new AtomicLong();
        AtomicLong gaps = new AtomicLong();
        CountDownLatch fastRegistered = new CountDownLatch(1);
        fast.ws.handler(data -> {
            JsonObject frame = data.toJsonObject();
            if (Addresses.STATUS.equals(frame.getString("address"))) {
                fastRegistered.countDown();
            } else if (Addresses.EVENTS.equals(frame.getString("address"))) {
                long seq = frame.getJsonObject("body").getLong("seq");
                if (lastSeq.get() != 0 && seq != lastSeq.get() + 1) {
                    gaps.incrementAndGet();
                }
                lastSeq.set(seq);
                received.incrementAndGet();
            }
        });
        fast.register(Addresses.EVENTS);
        fast.register(Addresses.STATUS);
        // The bridge handles a socket's frames in order: a status frame shows the register was handled.
        assertTrue(fastRegistered.await(5, TimeUnit.SECONDS), "no status frame on the reading socket");
        slow.ws.pause();

        long heapBefore = HeapUse.afterGc();
        // 160,000 events at 20,000/s: far more than the stalled socket's TCP buffers hold.
        web.device.setPeriodUs(50);
        await("160,000 events made").atMost(Duration.ofSeconds(60))
                .until(() -> web.device.stats().generated(), n -> n >= 160_000);
        web.device.setPeriodUs(0);
        long total = web.device.stats().generated();
        await("every event at the reading client").atMost(Duration.ofSeconds(20)).until(received::get, n -> n >= total);
        long heapAfter = HeapUse.afterGc();
        assertEquals(total, received.get(), "the reading client got every event");
        assertEquals(0, gaps.get(), "with no gap");
        assertTrue(web.http.dropped() > total / 4, "the stalled client's events were dropped: "
                + web.http.dropped() + " of " + total);
        long grownMb = (heapAfter - heapBefore) >> 20;
        assertTrue(grownMb < 64, "heap grew " + grownMb + " MB for " + total + " events (~"
                + (total * 250L >> 20) + " MB of frames)");
        slow.ws.resume();
        slow.ws.close().await();
    }

    @Test
    void aFrameOverTheLimitClosesItsSocketAndCostsNoMemory(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        long rssBefore = residentKb();
        String mebibyte = "{\"type\":\"send\",\"address\":\"mypoll.trigger.d\",\"body\":\"" + "x".repeat(1 << 20) + "\"}";
        for (int i = 0; i < 10; i++) {
            EventBusSocket socket = web.socket();
            io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
            socket.ws.closeHandler(v -> closed.tryComplete());
            socket.ws.writeTextMessage(mebibyte);
            closed.future().await(5, TimeUnit.SECONDS);
            assertEquals((short) 1009, socket.ws.closeStatusCode(), "closed as too big");
        }
        long grownMb = (residentKb() - rssBefore) >> 10;
        assertTrue(grownMb < 64, "resident memory grew " + grownMb + " MB for ten 1 MB frames");
        assertEquals(200, web.call(io.vertx.core.http.HttpMethod.GET, "/health", null, null).status());
        assertEquals(0, web.device.stats().generated(), "no trigger came through");
    }

    @Test
    void socketsThatRegisterNothingPastAQuarterOfTheConnectionsCloseTheOldest(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("http", new JsonObject()
                .put("maxConnections", 20)), 0);
        EventBusSocket reader = web.registered(Addresses.EVENTS);
        List<RawWebSocket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                idle.add(RawWebSocket.open(web.http.port(), false));
            }
            assertEquals(1008, idle.get(0).awaitClose(10_000), "the oldest of six idle sockets, budget five");
            for (int i = 1; i < 6; i++) {
                assertEquals(0, idle.get(i).awaitClose(200), "idle socket " + i + " is within the budget");
            }
            web.device.burst(1);
            reader.await(EventBusSocket.event("burst"), 5_000);
        } finally {
            for (RawWebSocket ws : idle) {
                ws.close();
            }
        }
    }

    @Test
    void aSingleFrameOverTheLimitClosesItsSocketWith1009(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        try (RawWebSocket ws = RawWebSocket.open(web.http.port(), false)) {
            ws.sendText(new byte[web.config.bridge().maxFrameBytes() + 1]);
            assertEquals(1009, ws.awaitClose(10_000), "closed as too big");
        }
    }

    @Test
    void twentySubscribersOfAFastDeviceCostBoundedMemoryAndTheirDropsAreCounted(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        List<EventBusSocket> sockets = new java.util.ArrayList<>();
        CountDownLatch registered = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            EventBusSocket socket = web.socket();
            AtomicBoolean first = new AtomicBoolean(true);
            // The bridge handles a socket's frames in order: its first status frame shows the registers were handled.
            socket.ws.handler(data -> {
                if (first.getAndSet(false)) {
                    registered.countDown();
                }
            });
            socket.register(Addresses.EVENTS);
            socket.register(Addresses.STATUS);
            sockets.add(socket);
        }
        assertTrue(registered.await(10, TimeUnit.SECONDS), registered.getCount() + " sockets saw no frame");
        // Half of them stop reading, as paused or stuck browsers do.
        sockets.subList(0, 10).forEach(s -> s.ws.pause());
        long heapBefore = HeapUse.afterGc();
        web.device.setPeriodUs(500);
        long healthWorstMs = 0;
        for (int i = 0; i < 10; i++) {
            // Pacing, not a wait for a condition: one /health sample a second while the device runs.
            Thread.sleep(1_000);
            long start = System.nanoTime();
            assertEquals(200, web.call(io.vertx.core.http.HttpMethod.GET, "/health", null, null).status());
            healthWorstMs = Math.max(healthWorstMs, (System.nanoTime() - start) / 1_000_000);
        }
        web.device.setPeriodUs(0);
        long generated = web.device.stats().generated();
        long grownMb = (HeapUse.afterGc() - heapBefore) >> 20;
        assertTrue(grownMb < 64, "heap grew " + grownMb + " MB with 20 sockets at 2 kHz");
        // Before the bound, /health took 5 to 36 s here; a loaded 2-core machine may take a second or two.
        assertTrue(healthWorstMs < 3_000, "/health took up to " + healthWorstMs + " ms");
        assertTrue(web.http.dropped() > 0, "the paused sockets' events were dropped and counted (" + generated
                + " events generated)");
        sockets.subList(0, 10).forEach(s -> s.ws.resume());
    }

    @Test
    void aTriggerWithoutAReplyAddressIsRefusedAndNothingIsWritten(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        socket.send(new JsonObject().put("type", "publish").put("address", Addresses.trigger("d"))
                .put("body", new JsonObject().put("payload", "fire")));
        socket.send(new JsonObject().put("type", "send").put("address", Addresses.trigger("d"))
                .put("body", new JsonObject().put("payload", "forget")));
        for (int i = 0; i < 2; i++) {
            JsonObject error = socket.await(SockJsEndpointTest::isError, 5_000);
            assertEquals("a request to mypoll.trigger.d needs a reply address: send it with a reply handler",
                    error.getString("body"));
        }
        // A trigger sent after them marks their end: had either been written, its event would come first.
        socket.request(Addresses.trigger("d"), new JsonObject().put("payload", "marker"), "r1");
        JsonObject first = socket.await(EventBusSocket.event("manual"), 5_000);
        assertEquals("marker", first.getJsonObject("body").getString("payload"));
        assertEquals(1, web.device.stats().generated());
    }

    @Test
    void aRequestBeyondTheInFlightLimitFailsAtItsOwnReplyAddress(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        // A device that never answers keeps every request waiting.
        vertx.eventBus().consumer(Addresses.trigger("mute"), message -> { }).completion().await();
        EventBusSocket socket = web.socket();
        for (int i = 1; i <= 17; i++) {
            socket.request(Addresses.trigger("mute"), new JsonObject().put("payload", "p"), "r" + i);
        }
        JsonObject refused = socket.await(f -> "r17".equals(f.getString("address")), 5_000);
        assertEquals("err", refused.getString("type"));
        assertEquals(429, refused.getInteger("failureCode"));
        assertTrue(refused.getString("message").contains("bridge.maxRequestsPerSocket"), refused.encode());
        assertTrue(socket.frames.stream().noneMatch(f -> f.getString("address") == null),
                "no error without an address: " + socket.frames);
    }

    /** The process's resident set, in KiB (VmRSS of /proc/self/status). */
    private static long residentKb() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

}
