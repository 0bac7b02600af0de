// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.EventType;
import io.mypoll.driver.mypoll.MypollEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backpressure per device: a listener that does not hand back one device's
 * batches makes the loop stop reading that device alone, whose records then
 * wait and overflow in its own queue, counted there.
 */
class BackpressureTest {
    /** Records everything; holds the {@code handled} of one device's batches until {@link #release}. */
    private static final class StallingListener implements DeviceListener {
        final Recorder<MypollEvent> recorder = new Recorder<>(MypollEvent.class);
        private final String stalled;
        private final List<Runnable> held = new ArrayList<>();
        private boolean stalling = true;

        StallingListener(String stalled) {
            this.stalled = stalled;
        }

        @Override
        public void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
            recorder.onEvents(device, batch, () -> { });
            synchronized (this) {
                if (stalling && device.id().equals(stalled)) {
                    held.add(handled);
                    return;
                }
            }
            handled.run();
        }

        /** From the test's thread: the held batches are handled, and later ones at once. */
        void release() {
            List<Runnable> batches;
            synchronized (this) {
                stalling = false;
                batches = new ArrayList<>(held);
                held.clear();
            }
            batches.forEach(Runnable::run);
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aStalledDeviceIsPausedAloneLosesAtTheDeviceAndIsReadAgainOnceHandled(NotifyMode mode) throws Exception {
        StallingListener listener = new StallingListener("a");
        try (EmulatedDevice a = new EmulatedDevice("a", 0, 1024);
             EmulatedDevice b = new EmulatedDevice("b", 0, 1 << 16);
             DeviceLoop loop = new DeviceLoop("test-loop", mode, LibC.SIGIO, listener).start()) {
            loop.add(a).join();
            loop.add(b).join();

            // A's batches are not handled: once its budget is in flight the loop stops reading it.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (loop.pauses(a) == 0) {
                assertTrue(System.nanoTime() < until, "A paused within 20 s; read so far: "
                        + listener.recorder.events("a").size());
                a.burst(1_000);
            }
            int readBeforeThePause = listener.recorder.events("a").size();
            // Past its queue (and the socket's buffer): the overflow is the device's to count.
            a.burst(200_000);
            assertTrue(a.stats().lost() > 0, "A lost events at the device");

            for (int i = 0; i < 20; i++) {
                b.burst(1_000);
            }
            List<MypollEvent> ofB = listener.recorder.await("b", Recorder.atLeast(20_000), 20_000);
            assertEquals(20_000, ofB.size(), "every event of B");
            assertEquals(0, Recorder.seqGaps(ofB), "B's events in order, none lost");
            assertEquals(0, loop.pauses(b), "B never paused");
            assertEquals(readBeforeThePause, listener.recorder.events("a").size(), "A not read while paused");
            assertTrue(loop.pauses(a) > 0, "A still paused");

            listener.release();
            long made = a.stats().generated();
            List<MypollEvent> ofA = listener.recorder.await("a",
                    list -> !list.isEmpty() && list.get(list.size() - 1).seq() == made, 20_000);
            long read = ofA.stream().filter(e -> e.type() != EventType.OVERRUN).count();
            long lost = ofA.stream().mapToLong(DeviceEvent::lost).sum();
            assertTrue(lost > 0, "A's overruns report its losses");
            assertEquals(made, read + lost, "A's events read and reported lost are every event it made");
            assertEquals(lost, a.stats().lost(), "as the device counted them");
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void aPausedDeviceThatIsRemovedLeavesNoStateBehind(NotifyMode mode) throws Exception {
        StallingListener listener = new StallingListener("a");
        try (EmulatedDevice a = new EmulatedDevice("a", 0, 1024);
             DeviceLoop loop = new DeviceLoop("test-loop", mode, LibC.SIGIO, listener).start()) {
            loop.add(a).join();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (loop.pauses(a) == 0) {
                assertTrue(System.nanoTime() < until, "A paused within 20 s");
                a.burst(1_000);
            }
            a.burst(10_000);
            int readWhilePaused = listener.recorder.events("a").size();
            loop.remove(a).join();
            assertEquals(0, loop.pauses(a), "its pauses went with it");

            // Added again, it starts with no batch in flight: what waits at the device is read at once.
            loop.add(a).join();
            listener.recorder.await("a", Recorder.atLeast(readWhilePaused + 1), 20_000);
            // The old batches handled late change nothing, and the loop goes on.
            listener.release();
            loop.nextTurn().get(20, TimeUnit.SECONDS);
            long made = a.stats().generated();
            List<MypollEvent> ofA = listener.recorder.await("a",
                    list -> !list.isEmpty() && list.get(list.size() - 1).seq() == made, 20_000);
            assertEquals(made, ofA.stream().filter(e -> e.type() != EventType.OVERRUN).count()
                    + ofA.stream().mapToLong(DeviceEvent::lost).sum(), "every event read or reported lost");
        }
    }
}
