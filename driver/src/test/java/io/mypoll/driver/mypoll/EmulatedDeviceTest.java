// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.Device;
import io.mypoll.driver.OpenFds;
import io.mypoll.driver.Recorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The emulator through the Device API, with no event loop: what a plain library user sees. */
class EmulatedDeviceTest {

    /** What the device has queued, through the read path the loop uses. */
    private static List<MypollEvent> read(Device device) throws IOException {
        return device.readAvailable().stream().map(MypollEvent.class::cast).toList();
    }

    private static List<MypollEvent> readUntil(Device device, int count, long timeoutMs) throws Exception {
        List<MypollEvent> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (all.size() < count && System.currentTimeMillis() < deadline) {
            List<MypollEvent> batch = read(device);
            if (batch.isEmpty()) {
                // The poll interval of a non-blocking read, inside this wait's deadline.
                Thread.sleep(1);
            }
            all.addAll(batch);
        }
        return all;
    }

    @Test
    void timerEventsArriveAtTheConfiguredPeriod() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("t", 10_000, 1024)) {
            List<MypollEvent> events = readUntil(device, 20, 5_000);
            assertTrue(events.size() >= 20, "got " + events.size());
            MypollEvent first = events.get(0);
            MypollEvent twentieth = events.get(19);
            double meanPeriodUs = (twentieth.tsNs() - first.tsNs()) / 19_000.0;
            assertEquals(10_000, meanPeriodUs, 2_000, "mean period");
            events.forEach(e -> assertEquals(EventType.TIMER, e.type()));
            assertEquals(0, Recorder.seqGaps(events));
        }
    }

    @Test
    void eachWriteMakesOneManualEventWithItsPayload() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("m", 0, 1024)) {
            device.trigger("hello".getBytes(StandardCharsets.UTF_8));
            device.trigger("world".getBytes(StandardCharsets.UTF_8));
            List<MypollEvent> events = readUntil(device, 2, 2_000);
            assertEquals(2, events.size());
            assertEquals(EventType.MANUAL, events.get(0).type());
            assertEquals("hello", events.get(0).payloadText());
            assertEquals("world", events.get(1).payloadText());
            assertEquals(1, events.get(0).seq());
            assertEquals(2, events.get(1).seq());
        }
    }

    @Test
    void aLongWriteKeepsItsFirstFortyBytes() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("m", 0, 1024)) {
            byte[] fifty = "0123456789".repeat(5).getBytes(StandardCharsets.US_ASCII);
            device.trigger(fifty);
            List<MypollEvent> events = readUntil(device, 1, 2_000);
            assertArrayEquals(java.util.Arrays.copyOf(fifty, 40), events.get(0).payload());
        }
    }

    @Test
    void burstMakesThatManyBurstEvents() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("b", 0, 4096)) {
            device.burst(3000);
            List<MypollEvent> events = readUntil(device, 3000, 5_000);
            assertEquals(3000, events.size());
            events.forEach(e -> assertEquals(EventType.BURST, e.type()));
            assertEquals(0, Recorder.seqGaps(events));
        }
    }

    @Test
    void aFullQueueGivesAnOverrunRecordWhoseLostEqualsTheSeqGap() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("o", 0, 1024)) {
            device.burst(10);
            List<MypollEvent> events = readUntil(device, 10, 2_000);
            device.burst(200_000);
            events.addAll(readUntil(device, Integer.MAX_VALUE, 1_000));
            int overrunAt = -1;
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).type() == EventType.OVERRUN) {
                    overrunAt = i;
                }
            }
            assertTrue(overrunAt > 0, "an OVERRUN record arrived");
            MypollEvent before = events.get(overrunAt - 1);
            MypollEvent overrun = events.get(overrunAt);
            MypollEvent after = events.get(overrunAt + 1);
            assertEquals(after.seq() - before.seq() - 1, overrun.lost(), "lost equals the seq gap");
            assertEquals(after.seq() - 1, overrun.seq(), "an OVERRUN carries the seq of the last event lost");
            assertEquals(200_010, events.get(events.size() - 1).seq(), "the newest events were kept");
            DeviceStats stats = device.stats();
            assertEquals(overrun.lost(), stats.lost());
            assertEquals(200_010, stats.generated());
        }
    }

    @Test
    void statsCountWhatWasGeneratedReadAndQueued() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("s", 0, 1024)) {
            device.burst(100);
            List<MypollEvent> read = readUntil(device, 100, 2_000);
            // A burst queues its events before it returns: the stats show them at once.
            device.burst(7);
            DeviceStats stats = device.stats();
            assertEquals(107, stats.generated());
            assertEquals(read.size(), stats.delivered());
            assertEquals(7, stats.queued());
            assertEquals(1024, stats.capacity());
            assertEquals(1, stats.readers());
            assertEquals(0, stats.lost());
        }
    }

    @Test
    void periodCanBeReadAndChanged() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("p", 0, 1024)) {
            assertEquals(0, device.periodUs());
            device.setPeriodUs(2_500);
            assertEquals(2_500, device.periodUs());
            assertEquals(2_500, device.stats().periodUs());
            assertTrue(readUntil(device, 3, 2_000).size() >= 3, "the timer runs once a period is set");
        }
    }

    @Test
    void noTimerEventFollowsStoppingTheTimer() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("z", 100, 1 << 16)) {
            for (int i = 0; i < 20; i++) {
                long ticked = device.stats().generated();
                await("the timer ticks").atMost(Duration.ofSeconds(20)).until(() -> device.stats().generated() > ticked);
                device.setPeriodUs(0);
                long generated = device.stats().generated();
                // An absence window, not a wait: a timer left running at 100 µs would tick about 50 times in it.
                Thread.sleep(5);
                assertEquals(generated, device.stats().generated(), "round " + i);
                device.setPeriodUs(100);
            }
        }
    }

    @Test
    void aHungUpDeviceReadsAsGone() throws Exception {
        try (EmulatedDevice device = new EmulatedDevice("h", 0, 1024)) {
            device.hangUp();
            IOException e = assertThrows(IOException.class, device::readAvailable);
            assertEquals("end of file", e.getMessage(), "the reason the loop reports too");
        }
    }

    @Test
    void aClosedDeviceRefusesTriggers() throws Exception {
        EmulatedDevice device = new EmulatedDevice("c", 0, 1024);
        device.close();
        IOException e = assertThrows(IOException.class, () -> device.trigger(new byte[] {1}));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void badQueueLengthIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EmulatedDevice("q", 0, 1000));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @Test
    void closeReleasesEveryFd() throws Exception {
        var before = OpenFds.snapshot();
        for (int i = 0; i < 5; i++) {
            try (EmulatedDevice device = new EmulatedDevice("f" + i, 1_000, 1024)) {
                device.trigger(new byte[] {1});
            }
        }
        assertEquals(java.util.Set.of(), OpenFds.openedSince(before), "fds left open");
    }
}
