// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.web.TcpBridgeClient;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated frames of the bridge protocol against a running bridge.
 * The seed is printed in every failure; {@code -Dmypoll.fuzz.seed=N} runs a given one again.
 */
class BridgeFuzzTest {
    private static final int FRAMES = 1500;
    private static final List<String> ADDRESSES = List.of("mypoll.trigger.emu", "mypoll.control.emu",
            Addresses.EVENTS, Addresses.STATUS, Addresses.SOCKETS, Addresses.DEVICES, "mypoll.sink",
            "mypoll.socket.00000000-0000-0000-0000-000000000000", "mypoll.trigger.nosuch", "", "a\nb\u0000c");

    @Test
    void randomFramesLeaveTheBridgeServingEveryEventWithNoStackTrace(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("mypoll.fuzz.seed", System.nanoTime());
        String context = " (seed " + seed + ")";
        Random random = new Random(seed);
        String config = "{\"http\": {\"port\": 0}, \"logEvents\": true, \"devices\": [{\"id\": \"emu\", "
                + "\"type\": \"emulator\", \"periodMs\": 10}]}";
        Vertx vertx = Vertx.vertx();
        try (BridgeProcess bridge = new BridgeProcess(dir, config)) {
            int port = MainTest.port(bridge);
            EventBusSocket good = EventBusSocket.connect(vertx, port).await();
            AtomicLong lastSeq = new AtomicLong();
            AtomicLong gaps = new AtomicLong();
            AtomicLong received = new AtomicLong();
            good.ws.handler(data -> {
                JsonObject frame = data.toJsonObject();
                if (Addresses.EVENTS.equals(frame.getString("address"))) {
                    JsonObject event = frame.getJsonObject("body");
                    long seq = event.getLong("seq");
                    if (lastSeq.get() != 0 && seq != lastSeq.get() + Math.max(1, event.getLong("lost"))) {
                        gaps.incrementAndGet();
                    }
                    lastSeq.set(seq);
                    received.incrementAndGet();
                }
            });
            good.register(Addresses.EVENTS);
            long pinger = vertx.setPeriodic(3_000, id -> good.ws.writeTextMessage("{\"type\":\"ping\"}"));

            EventBusSocket fuzz = EventBusSocket.connect(vertx, port).await();
            int reconnects = 0;
            for (int i = 0; i < FRAMES; i++) {
                if (fuzz.ws.isClosed()) {
                    fuzz = EventBusSocket.connect(vertx, port).await();
                    reconnects++;
                }
                try {
                    fuzz.ws.writeTextMessage(frame(random)).await(10, TimeUnit.SECONDS);
                } catch (Exception closed) {
                    // The bridge closed it (a frame too big, a broken protocol): the next one connects again.
                }
                if (i % 100 == 99) {
                    // Pacing, not a wait for a condition: the fuzzer pauses between salvos of 100 frames.
                    Thread.sleep(50);
                }
            }
            // A trigger after the fuzz marks its end: the summary that shows it comes after the fuzz's log lines.
            good.request("mypoll.trigger.emu", new JsonObject().put("payload", "end of fuzz"), "end");
            bridge.await(l -> l.contains("payload \"end of fuzz\""), 10_000);
            await("events at the good client").atMost(Duration.ofSeconds(10)).until(received::get, n -> n > 100);
            vertx.cancelTimer(pinger);

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body() + context);
            assertTrue(received.get() > 100, "the good client got events: " + received + context);
            assertEquals(0, gaps.get(), "the good client got every event" + context);
            List<String> traces = bridge.lines.stream()
                    .filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by") || l.contains("Exception in"))
                    .toList();
            assertEquals(List.of(), traces, "no stack trace in the log" + context);
            assertTrue(bridge.lines.stream().allMatch(l -> l.chars().noneMatch(c -> c < 0x20 && c != '\t')),
                    "no control character in the log" + context);
            assertTrue(bridge.lines.size() < FRAMES / 5, "repeated warnings are limited: " + bridge.lines.size()
                    + " log lines for " + FRAMES + " frames" + context);
            System.out.printf("fuzz: %d frames, %d reconnects, %d events to the good client, %d log lines%s%n",
                    FRAMES, reconnects, received.get(), bridge.lines.size(), context);
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void randomTcpFramesLeaveTheBridgeServingAGoodClientEveryEventWithNoStackTrace(@TempDir Path dir)
            throws Exception {
        long seed = Long.getLong("mypoll.fuzz.seed", System.nanoTime());
        String context = " (seed " + seed + ")";
        Random random = new Random(seed);
        String config = "{\"http\": {\"port\": 0}, \"tcp\": {\"enabled\": true, \"port\": 0}, \"logEvents\": true, "
                + "\"devices\": [{\"id\": \"emu\", \"type\": \"emulator\", \"periodMs\": 10}]}";
        try (BridgeProcess bridge = new BridgeProcess(dir, config)) {
            int httpPort = MainTest.port(bridge);
            String serving = bridge.await(l -> l.contains("serving the TCP event-bus bridge on"), 20_000);
            int port = Integer.parseInt(serving.replaceAll(".*:(\\d+).*", "$1"));
            try (TcpBridgeClient good = new TcpBridgeClient(port)) {
                good.register(Addresses.EVENTS);
                int reconnects = 0;
                Socket fuzz = new Socket("127.0.0.1", port);
                for (int i = 0; i < FRAMES; i++) {
                    byte[] json = frame(random).getBytes(StandardCharsets.UTF_8);
                    int kind = random.nextInt(20);
                    // Mostly well framed; sometimes a length that lies, or bytes with no framing at all.
                    int length = kind == 0 ? json.length + 1 + random.nextInt(100) : kind == 1 ? -1 - random.nextInt(9)
                            : kind == 2 ? Integer.MAX_VALUE - random.nextInt(9) : json.length;
                    byte[] bytes = kind == 3 ? json : ByteBuffer.allocate(4 + json.length).putInt(length).put(json)
                            .array();
                    try {
                        fuzz.getOutputStream().write(bytes);
                    } catch (IOException closed) {
                        // The bridge closed it (a frame too big): the next one connects again.
                        fuzz.close();
                        fuzz = new Socket("127.0.0.1", port);
                        reconnects++;
                    }
                    if (i % 100 == 99) {
                        // Pacing, not a wait for a condition: the fuzzer pauses between salvos of 100 frames.
                        Thread.sleep(50);
                    }
                }
                fuzz.close();
                // A trigger after the fuzz marks its end: the summary that shows it comes after the fuzz's lines.
                good.request("mypoll.trigger.emu", new JsonObject().put("payload", "end of fuzz"), "end");
                good.await(f -> "end".equals(f.getString("address")), 10_000);
                bridge.await(l -> l.contains("payload \"end of fuzz\""), 10_000);

                long lastSeq = 0;
                long received = 0;
                long gaps = 0;
                // Events go on after the fuzz: read them until there are a hundred or more, within 15 s.
                long deadline = System.currentTimeMillis() + 15_000;
                while (received <= 100 && System.currentTimeMillis() < deadline) {
                    JsonObject frame = good.frames.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                    if (frame != null && Addresses.EVENTS.equals(frame.getString("address"))) {
                        JsonObject event = frame.getJsonObject("body");
                        long seq = event.getLong("seq");
                        if (lastSeq != 0 && seq != lastSeq + Math.max(1, event.getLong("lost"))) {
                            gaps++;
                        }
                        lastSeq = seq;
                        received++;
                    }
                }
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body() + context);
                assertTrue(received > 100, "the good client got events: " + received + context);
                assertEquals(0, gaps, "the good client got every event" + context);
                List<String> traces = bridge.lines.stream()
                        .filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by") || l.contains("Exception"))
                        .toList();
                assertEquals(List.of(), traces, "no stack trace or exception in the log" + context);
                assertTrue(bridge.lines.stream().allMatch(l -> l.chars().noneMatch(c -> c < 0x20 && c != '\t')),
                        "no control character in the log" + context);
                assertTrue(bridge.lines.size() < FRAMES / 5, "log lines: " + bridge.lines.size() + context);
                System.out.printf("tcp fuzz: %d frames, %d reconnects, %d events to the good client, %d log lines%s%n",
                        FRAMES, reconnects, received, bridge.lines.size(), context);
            }
        }
    }

    /** One frame: a mutated protocol frame most of the time, garbage text otherwise. */
    private static String frame(Random r) {
        switch (r.nextInt(10)) {
            case 0:
                return text(r, r.nextInt(200));
            case 1:
                String valid = protocolFrame(r).encode();
                return valid.substring(0, r.nextInt(valid.length()));
            case 2:
                return r.nextBoolean() ? "[]" : r.nextBoolean() ? "null" : "\"text\"";
            case 3:
                return protocolFrame(r).put("body", "x".repeat(70_000 + r.nextInt(10_000))).encode();
            default:
                return protocolFrame(r).encode();
        }
    }

    private static JsonObject protocolFrame(Random r) {
        JsonObject frame = new JsonObject();
        Object[] types = {"send", "publish", "register", "unregister", "ping", "rec", "err", text(r, 8), 5, null,
            new JsonArray().add("send"), new JsonObject()};
        if (r.nextInt(10) > 0) {
            frame.put("type", types[r.nextInt(types.length)]);
        }
        if (r.nextInt(10) > 0) {
            frame.put("address", r.nextInt(8) > 0 ? ADDRESSES.get(r.nextInt(ADDRESSES.size()))
                    : r.nextBoolean() ? text(r, 300) : (Object) r.nextInt());
        }
        Object[] bodies = {new JsonObject().put("payload", text(r, 1 + r.nextInt(50))),
            new JsonObject().put("periodMs", r.nextDouble() * 10).put("burst", r.nextInt(5)), text(r, 20),
            r.nextLong(), new JsonArray().add(1).add("two"), null, new JsonObject().put("payload", 7)};
        frame.put("body", bodies[r.nextInt(bodies.length)]);
        if (r.nextBoolean()) {
            Object[] replies = {"r" + r.nextInt(1000), text(r, 60), 42, "", new JsonObject()};
            frame.put("replyAddress", replies[r.nextInt(replies.length)]);
        }
        if (r.nextInt(5) == 0) {
            Object[] headers = {"oops", new JsonObject().put("h", "v"), new JsonArray(), 3};
            frame.put("headers", headers[r.nextInt(headers.length)]);
        }
        return frame;
    }

    /** Text with control characters, quotes, non-ASCII and the odd lone surrogate. */
    private static String text(Random r, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = r.nextInt(10);
            s.append(kind == 0 ? (char) r.nextInt(0x20) : kind == 1 ? "\"\\{}[]\n".charAt(r.nextInt(7))
                    : kind == 2 ? (char) (0x80 + r.nextInt(0x800)) : kind == 3 ? (char) (0xd800 + r.nextInt(0x800))
                    : (char) (0x20 + r.nextInt(0x5f)));
        }
        return s.toString();
    }
}
