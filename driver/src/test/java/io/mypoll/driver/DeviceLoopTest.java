// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.EventType;
import io.mypoll.driver.mypoll.MypollEvent;
import io.mypoll.driver.linux.Signals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The loop over emulated devices, in both notify modes. */
class DeviceLoopTest {

    private static DeviceLoop start(NotifyMode mode, DeviceListener recorder) throws Exception {
        return new DeviceLoop("test-loop", mode, LibC.SIGIO, recorder).start();
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void pacedThenBurstEventsArriveWithoutGaps(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("d", 0, 1 << 18);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            device.setPeriodUs(100);
            recorder.await("d", Recorder.atLeast(20_000), 30_000);
            device.setPeriodUs(0);
            int paced = (int) device.stats().generated();
            device.burst(200_000);
            List<MypollEvent> events = recorder.await("d", Recorder.atLeast(paced + 200_000), 30_000);
            assertEquals(paced + 200_000, events.size(), "nothing more, nothing less");
            assertEquals(0, Recorder.seqGaps(events), "seq gaps");
            assertTrue(events.stream().noneMatch(e -> e.type() == EventType.OVERRUN), "no overrun");
            assertEquals(EventType.TIMER, events.get(paced - 1).type());
            assertEquals(EventType.BURST, events.get(events.size() - 1).type());
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void everyEventWakesTheLoopOnItsOwn(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("w", 0, 1024);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            // One event at a time, each awaited: a lost wakeup leaves it unread and times out.
            for (int i = 1; i <= 2_000; i++) {
                device.trigger(("n" + i).getBytes(StandardCharsets.UTF_8));
                recorder.await("w", Recorder.atLeast(i), 2_000);
            }
            List<MypollEvent> events = recorder.events("w");
            assertEquals("n2000", events.get(1999).payloadText());
            assertEquals(0, Recorder.seqGaps(events));
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void anEventRightAfterABurstIsReadWithoutAnotherNotification(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("b", 0, 1 << 12);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            // In sigio mode the signal is left pending while the burst drains; the lone event's signal merges
            // into it. A loop that did not read the pending signal after the drain would never read it.
            int expected = 0;
            for (int i = 1; i <= 200; i++) {
                device.burst(1_000);
                device.trigger(("after " + i).getBytes(StandardCharsets.UTF_8));
                expected += 1_001;
                recorder.await("b", Recorder.atLeast(expected), 5_000);
            }
            List<MypollEvent> events = recorder.events("b");
            assertEquals(expected, events.size());
            assertEquals("after 200", events.get(expected - 1).payloadText());
            assertEquals(0, Recorder.seqGaps(events));
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void fourDevicesOnOneLoopEachGetOnlyTheirOwnEvents(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        List<EmulatedDevice> devices = new ArrayList<>();
        try (DeviceLoop loop = start(mode, recorder)) {
            for (int i = 0; i < 4; i++) {
                EmulatedDevice device = new EmulatedDevice("dev" + i, 0, 1 << 14);
                devices.add(device);
                loop.add(device).join();
            }
            for (int round = 0; round < 50; round++) {
                for (EmulatedDevice device : devices) {
                    device.trigger(device.id().getBytes(StandardCharsets.UTF_8));
                    device.burst(100);
                }
            }
            for (EmulatedDevice device : devices) {
                List<MypollEvent> events = recorder.await(device.id(), Recorder.atLeast(50 * 101), 10_000);
                assertEquals(50 * 101, events.size());
                assertEquals(0, Recorder.seqGaps(events), device.id());
                events.stream().filter(e -> e.type() == EventType.MANUAL)
                        .forEach(e -> assertEquals(device.id(), e.payloadText()));
                assertEquals(50, events.stream().filter(e -> e.type() == EventType.MANUAL).count());
            }
        } finally {
            devices.forEach(EmulatedDevice::close);
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aReaderThatStopsReadingGetsAnOverrunWhoseLostEqualsTheGap(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("o", 0, 1024);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            device.burst(5);
            recorder.await("o", Recorder.atLeast(5), 2_000);
            loop.remove(device).join();
            device.burst(50_000);
            loop.add(device).join();
            List<MypollEvent> events = recorder.await("o",
                    list -> !list.isEmpty() && list.get(list.size() - 1).seq() == 50_005, 5_000);
            MypollEvent overrun = events.stream().filter(e -> e.type() == EventType.OVERRUN).findFirst()
                    .orElseThrow(() -> new AssertionError("no OVERRUN record"));
            int at = events.indexOf(overrun);
            long gap = events.get(at + 1).seq() - events.get(at - 1).seq() - 1;
            assertTrue(gap > 0);
            assertEquals(gap, overrun.lost());
            assertEquals(gap, device.stats().lost());
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void closeWakesALoopBlockedInEpollWaitAndLeaksNoFd(NotifyMode mode) throws Exception {
        var before = OpenFds.snapshot();
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("s", 0, 1024)) {
            DeviceLoop loop = start(mode, recorder);
            loop.add(device).join();
            await("the loop asleep in epoll_wait").atMost(Duration.ofSeconds(20)).until(() -> sleeping(loop.tid()));
            // The loop waits with no timeout, so a close that did not wake it would never return;
            // the bound is only long enough for a loaded machine to schedule the thread.
            assertTimeoutPreemptively(Duration.ofSeconds(5), loop::close, "close did not wake the loop");
        }
        assertEquals(java.util.Set.of(), OpenFds.openedSince(before), "fds left open");
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aDeviceThatGoesAwayIsReportedClosed(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("g", 0, 1024);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            device.trigger(new byte[] {'x'});
            recorder.await("g", Recorder.atLeast(1), 2_000);
            device.hangUp();
            recorder.awaitClosed("g", 2_000);
            assertEquals("end of file", recorder.closedReason("g"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIGRTMIN+4", "SIGRTMAX"})
    void aRealTimeSignalWorksAsTheNotification(String signal) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("rt", 0, 1 << 16);
             DeviceLoop loop = new DeviceLoop("rt-loop", NotifyMode.SIGIO, Signals.parse(signal), recorder).start()) {
            loop.add(device).join();
            for (int i = 1; i <= 200; i++) {
                device.trigger(new byte[] {'r'});
                recorder.await("rt", Recorder.atLeast(i), 2_000);
            }
            device.burst(50_000);
            List<MypollEvent> events = recorder.await("rt", Recorder.atLeast(50_200), 10_000);
            assertEquals(0, Recorder.seqGaps(events));
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void batchesAreHandedOverOnTheLoopThread(NotifyMode mode) throws Exception {
        Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        try (EmulatedDevice device = new EmulatedDevice("t", 0, 1024);
             DeviceLoop loop = start(mode, recorder)) {
            loop.add(device).join();
            device.burst(10);
            recorder.await("t", Recorder.atLeast(10), 2_000);
            assertEquals("test-loop", recorder.lastThread.getName());
            assertNotEquals(0, loop.tid());
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aDeviceThatRaisesNoSignalIsPolledInEitherModeWithoutOAsync(NotifyMode mode) throws Exception {
        Recorder<TickDevice.Tick> ticks = new Recorder<>(TickDevice.Tick.class);
        try (TickDevice device = new TickDevice("quiet", false);
             DeviceLoop loop = start(mode, ticks)) {
            loop.add(device).join();
            assertEquals(NotifyMode.POLL, loop.notifiedBy(device));
            assertEquals(0, LibC.fcntl(device.fd(), LibC.F_GETFL, 0L) & LibC.O_ASYNC, "O_ASYNC left off");
            for (int i = 1; i <= 50; i++) {
                device.tick(1);
                ticks.await("quiet", Recorder.atLeast(i), 5_000);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void readSoonClosesADeviceThatWentWithoutWakingItsReader(NotifyMode mode) throws Exception {
        Recorder<TickDevice.Tick> ticks = new Recorder<>(TickDevice.Tick.class);
        try (TickDevice device = new TickDevice("quiet", false);
             DeviceLoop loop = start(mode, ticks)) {
            loop.add(device).join();
            device.tick(1);
            ticks.await("quiet", Recorder.atLeast(1), 5_000);
            device.goQuietly();
            loop.readSoon(device).join();
            ticks.awaitClosed("quiet", 5_000);
            assertEquals("read(ticks): No such device", ticks.closedReason("quiet"));
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aDeviceTypeWithItsOwnRecordSizeIsReadByTheSameLoop(NotifyMode mode) throws Exception {
        Recorder<TickDevice.Tick> ticks = new Recorder<>(TickDevice.Tick.class);
        try (TickDevice device = new TickDevice("t");
             DeviceLoop loop = start(mode, ticks)) {
            loop.add(device).join();
            for (int i = 0; i < 500; i++) {
                device.tick(1 + i % 64);
            }
            int sent = 0;
            for (int i = 0; i < 500; i++) {
                sent += 1 + i % 64;
            }
            List<TickDevice.Tick> events = ticks.await("t", Recorder.atLeast(sent), 10_000);
            assertEquals(sent, events.size(), "every 16-byte record, once");
            assertEquals(0, Recorder.seqGaps(events), "in order");
            assertTrue(events.stream().allMatch(e -> e.readNs() >= e.tsNs()), "read after made");
            device.hangUp();
            ticks.awaitClosed("t", 2_000);
            assertEquals("end of file", ticks.closedReason("t"));
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void devicesOfTwoTypesShareOneLoop(NotifyMode mode) throws Exception {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        DeviceListener byType = (device, batch, handled) -> {
            batch.forEach(e -> seen.add(device.id() + ":" + e.typeName()));
            handled.run();
        };
        try (TickDevice ticks = new TickDevice("t");
             EmulatedDevice mypoll = new EmulatedDevice("m", 0, 1024);
             DeviceLoop loop = new DeviceLoop("test-loop", mode, LibC.SIGIO, byType).start()) {
            loop.add(ticks).join();
            loop.add(mypoll).join();
            for (int i = 0; i < 100; i++) {
                ticks.tick(1);
                mypoll.trigger(new byte[] {'x'});
            }
            await("events seen").atMost(Duration.ofSeconds(10)).until(seen::size, greaterThanOrEqualTo(200));
            synchronized (seen) {
                assertEquals(100, seen.stream().filter("t:tick"::equals).count(), seen.toString());
                assertEquals(100, seen.stream().filter("m:manual"::equals).count(), seen.toString());
                assertEquals(200, seen.size(), "each device only its own events");
            }
        }
    }

    /** Whether the thread is asleep in the kernel (state S of /proc/self/task/TID/stat): the loop's epoll_wait. */
    private static boolean sleeping(int tid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + tid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("S");
    }

    /** A listener that stops the loop thread in its first batch after {@link #wedge()}, until {@link #release()}. */
    private static final class WedgingListener implements DeviceListener {
        private final CountDownLatch released = new CountDownLatch(1);
        private final CountDownLatch stuck = new CountDownLatch(1);
        private volatile boolean wedged;

        void wedge() {
            wedged = true;
        }

        void release() {
            released.countDown();
        }

        @Override
        public void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
            handled.run();
            if (wedged) {
                stuck.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onClosed(Device device, String reason) {
        }
    }

    @Test
    void nextTurnCompletesWhileTheLoopTurnsAndWaitsWhileItIsStuck() throws Exception {
        WedgingListener listener = new WedgingListener();
        try (EmulatedDevice device = new EmulatedDevice("t", 1_000, 1024);
             DeviceLoop loop = start(NotifyMode.POLL, listener)) {
            loop.add(device).join();
            loop.nextTurn().get(2, TimeUnit.SECONDS);
            listener.wedge();
            assertTrue(listener.stuck.await(5, TimeUnit.SECONDS), "the loop thread is in the listener");
            CompletableFuture<Void> turn = loop.nextTurn();
            assertThrows(TimeoutException.class, () -> turn.get(500, TimeUnit.MILLISECONDS));
            listener.release();
            turn.get(2, TimeUnit.SECONDS);
        }
    }

    @Test
    void anErrorInTheLoopEndsItsThreadThroughTheUncaughtExceptionHandler() throws Exception {
        CompletableFuture<String> died = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> died.complete(thread.getName() + ": " + e));
        DeviceListener failing = new DeviceListener() {
            @Override
            public void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
                throw new StackOverflowError("deep");
            }

            @Override
            public void onClosed(Device device, String reason) {
            }
        };
        try (EmulatedDevice device = new EmulatedDevice("e", 0, 1024);
             DeviceLoop loop = start(NotifyMode.POLL, failing)) {
            loop.add(device).join();
            device.trigger("x".getBytes(StandardCharsets.UTF_8));
            assertEquals("test-loop: java.lang.StackOverflowError: deep", died.get(5, TimeUnit.SECONDS));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
