// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeviceHistoryTest {
    private static void add(DeviceHistory history, long fromSeq, long toSeq) {
        LongStream.rangeClosed(fromSeq, toSeq).forEach(seq -> history.add(new JsonObject().put("seq", seq)));
    }

    private static List<Long> seqs(JsonObject snapshot) {
        return snapshot.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    }

    @Test
    void itKeepsTheLastEventsOnly() {
        DeviceHistory history = new DeviceHistory(10, 300);
        add(history, 1, 25);
        assertEquals(LongStream.rangeClosed(16, 25).boxed().toList(), seqs(history.snapshot(-1)));
        assertEquals(25, history.snapshot(-1).getLong("lastSeq"));
    }

    @Test
    void sinceGivesTheEventsAfterThatSeq() {
        DeviceHistory history = new DeviceHistory(10, 300);
        add(history, 1, 8);
        assertEquals(List.of(6L, 7L, 8L), seqs(history.snapshot(5)));
        assertEquals(List.of(), seqs(history.snapshot(8)));
    }

    @Test
    void sinceCountsInTheCurrentOpeningWhoseSeqStartedAgain() {
        DeviceHistory history = new DeviceHistory(10, 300);
        add(history, 1, 5);
        history.reopened();
        add(history, 1, 2);
        JsonObject all = history.snapshot(-1);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 1L, 2L), seqs(all));
        assertEquals(1, all.getInteger("reopens"));
        assertEquals(2, all.getLong("lastSeq"));
        assertEquals(List.of(1L, 2L), seqs(history.snapshot(0)));
        assertEquals(List.of(2L), seqs(history.snapshot(1)));
    }

    @Test
    void theRateCountsEachWholeSecondOnce() throws InterruptedException {
        DeviceHistory history = new DeviceHistory(0, 300);
        add(history, 1, 40);
        long second = System.currentTimeMillis() / 1000;
        await("the next second").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.currentTimeMillis() / 1000 != second);
        add(history, 41, 42);
        JsonObject rate = history.snapshot(-1).getJsonObject("rate");
        JsonArray counts = rate.getJsonArray("counts");
        assertEquals(second, rate.getLong("from") + counts.size() - 1, "up to the last whole second");
        assertEquals(40, counts.stream().mapToLong(c -> ((Number) c).longValue()).sum());
        assertEquals(List.of(), seqs(history.snapshot(-1)), "no events kept with a size of 0");
    }
}
