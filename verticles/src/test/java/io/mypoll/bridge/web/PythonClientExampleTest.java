// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dependency-free Python client of docs/CLIENTS.md, as the page shows it, run with python3 against a
 * bridge: the page's program cannot fall behind the protocol without this failing.
 */
@ExtendWith(VertxExtension.class)
class PythonClientExampleTest {
    private static final Path PAGE = Path.of("..", "docs", "CLIENTS.md");
    private static final String SECTION = "## Without a library";

    /** The first python block of the section. */
    static String program() throws Exception {
        List<String> lines = Files.readAllLines(PAGE);
        int section = lines.indexOf(SECTION);
        assertTrue(section >= 0, "no section '" + SECTION + "' in " + PAGE);
        int start = lines.subList(section, lines.size()).indexOf("```python") + section + 1;
        int end = lines.subList(start, lines.size()).indexOf("```") + start;
        assertTrue(start > section && end > start, "no python block in the section");
        return String.join("\n", lines.subList(start, end)) + "\n";
    }

    @Test
    void theDocumentedProgramPrintsLiveEvents(Vertx vertx, @TempDir Path dir) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("tcp", new JsonObject().put("enabled", true)
                .put("port", 0)), 10_000);
        Path script = dir.resolve("events.py");
        Files.writeString(script, program());
        Process python = new ProcessBuilder(PrometheusText.PYTHON.getPath(), script.toString(),
                String.valueOf(web.http.tcpPort())).redirectErrorStream(true).start();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(python.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(output::add));
        reader.setDaemon(true);
        reader.start();
        try {
            // The device ticks every 10 ms: the program prints each tick, in order, from its registration on.
            List<String> printed = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (printed.size() < 5 && System.currentTimeMillis() < deadline) {
                String line = output.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
                if (line != null) {
                    printed.add(line);
                }
            }
            assertEquals(5, printed.size(), "lines printed within 30 s: " + printed);
            long first = Long.parseLong(printed.get(0).split(" ")[1]);
            for (int i = 0; i < printed.size(); i++) {
                assertEquals("d " + (first + i) + " timer ", printed.get(i), "line " + i + " of " + printed);
            }
        } finally {
            python.destroy();
            python.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
