// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sigio_eventfd_epoll --emulate --stream}, the reader websocketd runs
 * for bench.sh --web: one JSON line per event, driven by commands on stdin,
 * ending when stdin ends (the client went away).
 */
@Timeout(30)
class StreamReaderTest {
    /** Built by make -C driver/tools, which scripts/test.sh runs before the Maven build. */
    private static final Path TOOL = Path.of("..", "driver", "tools", "sigio_eventfd_epoll");

    /** The reader, its stderr in its stdout when {@code withErrors}, else on the test's own. */
    private static Process start(boolean withErrors) throws IOException {
        assertTrue(Files.isExecutable(TOOL), TOOL.toAbsolutePath() + " is not built (make -C driver/tools)");
        ProcessBuilder pb = new ProcessBuilder(TOOL.toString(), "--emulate", "--stream");
        return (withErrors ? pb.redirectErrorStream(true) : pb.redirectError(ProcessBuilder.Redirect.INHERIT))
                .start();
    }

    private static void command(Process p, String line) throws IOException {
        OutputStream in = p.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static List<JsonObject> read(BufferedReader out, int n) throws IOException {
        List<JsonObject> events = new ArrayList<>();
        while (events.size() < n) {
            String line = out.readLine();
            assertTrue(line != null, "the reader ended after " + events.size() + " of " + n + " events");
            events.add(new JsonObject(line));
        }
        return events;
    }

    @Test
    void aBurstAndAPacedRateArriveAsLinesInSeqOrder() throws Exception {
        Process p = start(false);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            command(p, "burst 100");
            List<JsonObject> burst = read(out, 100);
            command(p, "rate 1000");
            List<JsonObject> timer = read(out, 20);
            command(p, "rate 0");
            long seq = 0;
            for (JsonObject e : burst) {
                assertEquals("burst", e.getString("type"));
                assertEquals(++seq, e.getLong("seq"), "seq without a gap");
                assertTrue(e.getLong("tsNs") > 0, "tsNs");
            }
            for (JsonObject e : timer) {
                assertEquals("timer", e.getString("type"));
                assertEquals(++seq, e.getLong("seq"), "seq without a gap");
            }
            assertTrue(timer.get(19).getLong("tsNs") - timer.get(0).getLong("tsNs") >= 15_000_000L,
                    "20 timer events at 1000/s span about 19 ms");
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the end of stdin ends the reader");
            assertEquals(0, p.exitValue(), "a client that went away is no error");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anUnknownCommandEndsTheReaderWithAnError() throws Exception {
        Process p = start(true);
        try {
            command(p, "faster please");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the reader ends");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue(), output);
            assertTrue(output.contains("unknown command 'faster please'"), output);
        } finally {
            p.destroyForcibly();
        }
    }
}
