// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.logging.LineFormatter;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client cannot steer the log: whatever one socket sends, as fast as it
 * can, the bridge writes a few lines a second, none longer than the bound.
 */
class LogFloodTest {
    private static final long FLOOD_MS = 10_000;
    private static final int MAX_LINES = 100;
    /** Under bridge.maxFrameBytes (64 KB), so the socket stays open. */
    private static final int LARGE_TYPE_CHARS = 50_000;
    private static final String SUMMARY = "events in the last second:";

    @Test
    void distinctBadFramesLargeTypesAndTriggersFromOneSocketWriteAFewBoundedLines(@TempDir Path dir)
            throws Exception {
        String config = "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"emu\", \"type\": \"emulator\", "
                + "\"periodMs\": 10}]}";
        Vertx vertx = Vertx.vertx();
        try (BridgeProcess bridge = new BridgeProcess(dir, config)) {
            int port = MainTest.port(bridge);
            bridge.await(l -> l.contains(SUMMARY), 10_000);
            long frames = 0;
            int reconnects = 0;
            String padding = "y".repeat(LARGE_TYPE_CHARS);
            EventBusSocket socket = connect(vertx, port);
            int marker = bridge.lines.size();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MS);
            while (System.nanoTime() < end) {
                if (socket.ws.isClosed()) {
                    socket = connect(vertx, port);
                    reconnects++;
                }
                Future<Void> written = socket.ws.writeTextMessage(frame(frames++, padding));
                if (socket.ws.writeQueueFull()) {
                    try {
                        written.await(10, TimeUnit.SECONDS);
                    } catch (Exception closed) {
                        // The bridge closed the socket: the next turn connects again.
                    }
                }
            }
            int floodEnd = bridge.lines.size();
            // The log's next summary of events comes after every line the flood caused.
            bridge.await(l -> l.contains(SUMMARY) && bridge.lines.indexOf(l) >= floodEnd, 10_000);
            List<String> written = List.copyOf(bridge.lines.subList(marker, bridge.lines.size()));

            String counts = frames + " frames, " + reconnects + " reconnects, " + written.size() + " log lines";
            assertTrue(written.size() <= MAX_LINES, counts + "; the first ones:\n" + excerpt(written));
            int longest = written.stream().mapToInt(String::length).max().orElse(0);
            assertTrue(longest <= LineFormatter.MAX_LINE, "longest line: " + longest + " characters; " + counts);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            System.out.println("log flood: " + counts);
        } finally {
            vertx.close().await();
        }
    }

    /** The first lines, each cut short enough to read. */
    private static String excerpt(List<String> lines) {
        StringBuilder out = new StringBuilder();
        lines.stream().limit(40).forEach(l -> out.append(l.length() > 300 ? l.substring(0, 300) + "[...]" : l)
                .append('\n'));
        return out.toString();
    }

    private static EventBusSocket connect(Vertx vertx, int port) {
        EventBusSocket socket = EventBusSocket.connect(vertx, port).await();
        socket.ws.handler(data -> { }); // The bridge's error replies are not kept.
        return socket;
    }

    /** In turn: a bad frame of a type never sent before, a 50 KB type never sent before, a trigger. */
    private static String frame(long n, String padding) {
        return switch ((int) (n % 3)) {
            case 0 -> new JsonObject().put("type", "x" + n).put("address", "mypoll.sink").encode();
            case 1 -> new JsonObject().put("type", n + padding).put("address", "mypoll.sink").encode();
            default -> new JsonObject().put("type", "send").put("address", "mypoll.trigger.emu")
                    .put("body", new JsonObject().put("payload", "flood " + n)).put("replyAddress", "r" + n)
                    .encode();
        };
    }
}
