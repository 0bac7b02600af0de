// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bridge run with {@code conf/jvm.options} that runs out of heap ends at
 * once with the JVM's line, rather than staying up half dead.
 */
class OutOfMemoryTest {
    @Test
    void aBridgeOutOfHeapExitsWithinSecondsNamingTheError(@TempDir Path dir) throws Exception {
        // A history larger than the heap, filled at 100,000 events a second: the kept events are the real path.
        String fast = "{\"id\": \"emu\", \"type\": \"emulator\", \"periodMs\": 0.01, \"queueLen\": 65536}";
        List<String> jvm = new ArrayList<>(BridgeProcess.jvmOptions());
        jvm.addAll(List.of("-Xms16m", "-Xmx48m"));
        try (BridgeProcess bridge = new BridgeProcess(dir, jvm, "{\"http\": {\"port\": 0}, \"logEvents\": false, "
                + "\"history\": {\"events\": 100000}, \"devices\": [" + fast + "]}")) {
            long start = System.nanoTime();
            int status = bridge.waitForExit(60_000);
            long seconds = (System.nanoTime() - start) / 1_000_000_000;
            String last = bridge.lines.isEmpty() ? "(no output)" : bridge.lines.get(bridge.lines.size() - 1);
            assertEquals(3, status, "the JVM's status for ExitOnOutOfMemoryError; output:\n"
                    + String.join("\n", bridge.lines));
            assertTrue(last.startsWith("Terminating due to java.lang.OutOfMemoryError"), "last line: " + last);
            System.out.println("out of heap and gone " + seconds + " s after start: " + last);
        }
    }
}
