// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's consumer example is the code of {@code examples/EventRate.java}, and that program works. */
class ConsumerExampleTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path EXAMPLE = ROOT.resolve("examples/EventRate.java");
    /** "emu: 1000 events, seq 1-1000, 0 gaps, 0 lost, worst 0.812 ms to this consumer" */
    private static final Pattern LINE = Pattern.compile(
            "^emu: (\\d+) events, seq (\\d+)-(\\d+), (\\d+) gaps, (\\d+) lost, worst [0-9.]+ ms to this consumer$");

    @Test
    void everyLineOfTheReadmesConsumerIsInTheExample() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int section = readme.indexOf("## Writing a consumer");
        assertTrue(section >= 0, "README.md has a section 'Writing a consumer'");
        int start = readme.indexOf("```java", section);
        int end = readme.indexOf("```", start + 7);
        assertTrue(start > 0 && end > start, "the section shows Java code");
        List<String> example = Files.readAllLines(EXAMPLE).stream().map(String::strip).toList();
        List<String> shown = readme.substring(start + 7, end).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.equals("...")).toList();
        assertTrue(shown.size() >= 8, "the README shows the consumer, not a fragment: " + shown);
        for (String line : shown) {
            assertTrue(example.contains(line), "README line not in examples/EventRate.java: " + line);
        }
    }

    @Test
    void theExampleCountsEveryEventOfAnEmulatedDeviceInOrder(@TempDir Path dir) throws Exception {
        String config = """
                {"logEvents": false, "http": {"port": 0},
                 "devices": [{"id": "emu", "type": "emulator", "periodMs": 1}]}
                """;
        try (BridgeProcess example = BridgeProcess.program(EXAMPLE.toString(), dir, config, "30")) {
            long lastSeq = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            for (int seconds = 0; seconds < 3; seconds++) {
                String line = example.await(l -> LINE.matcher(l).matches(),
                        Math.max(1, deadline - System.currentTimeMillis()));
                Matcher m = LINE.matcher(line);
                m.matches();
                long events = Long.parseLong(m.group(1));
                long first = Long.parseLong(m.group(2));
                long last = Long.parseLong(m.group(3));
                if (lastSeq != 0) {
                    assertEquals(lastSeq + 1, first, "a line's first seq follows the last line's: " + line);
                }
                assertEquals(last - first + 1, events, "every event of the range was counted: " + line);
                assertEquals("0", m.group(4), "no gap: " + line);
                lastSeq = last;
            }
        }
    }
}
