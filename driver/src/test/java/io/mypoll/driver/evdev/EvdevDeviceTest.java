// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.KernelSide;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.DeviceListener;
import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** evdev records as the kernel writes them, through the device's read path, with no input device needed. */
class EvdevDeviceTest {
    private static final int EV_KEY = 1;
    private static final int EV_MSC = 4;
    private static final int MSC_SCAN = 4;
    private static final int KEY_A = 30;

    /** The device over a socketpair whose far end plays the kernel. */
    private static final class Recording implements AutoCloseable {
        final KernelSide kernel = new KernelSide();
        final EvdevDevice device = new EvdevDevice("kbd", "recorded", kernel.near);

        Recording() throws ErrnoException {
        }

        /** Records of {type, code, value, sec, usec}. */
        void kernelWrites(long[]... records) throws ErrnoException {
            kernel.write(records.length, InputAbi.EVENT_SIZE, (view, at) -> {
                long[] r = records[at / InputAbi.EVENT_SIZE];
                view.putLong(at + InputAbi.OFFSET_SEC, r[3]);
                view.putLong(at + InputAbi.OFFSET_USEC, r[4]);
                view.putShort(at + InputAbi.OFFSET_TYPE, (short) r[0]);
                view.putShort(at + InputAbi.OFFSET_CODE, (short) r[1]);
                view.putInt(at + InputAbi.OFFSET_VALUE, (int) r[2]);
            });
        }

        @Override
        public void close() {
            device.close();
            kernel.close();
        }
    }

    private static long[] record(int type, int code, int value, long sec, long usec) {
        return new long[] {type, code, value, sec, usec};
    }

    private static long[] report(long sec, long usec) {
        return record(InputAbi.EV_SYN, InputAbi.SYN_REPORT, 0, sec, usec);
    }

    private static List<InputFrame> frames(List<DeviceEvent> events) {
        return events.stream().map(InputFrame.class::cast).toList();
    }

    @Test
    void eventsUpToASynReportAreOneFrameWithTheReportsTime() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(record(EV_MSC, MSC_SCAN, 0x70004, 12, 500), record(EV_KEY, KEY_A, 1, 12, 500),
                    report(12, 500), record(EV_MSC, MSC_SCAN, 0x70004, 12, 90_000), record(EV_KEY, KEY_A, 0, 12, 90_000),
                    report(12, 90_000));
            List<InputFrame> frames = frames(r.device.readAvailable());
            assertEquals(2, frames.size());
            assertEquals(List.of(new InputEvent(EV_MSC, MSC_SCAN, 0x70004), new InputEvent(EV_KEY, KEY_A, 1)),
                    frames.get(0).events());
            assertEquals(12_000_500_000L, frames.get(0).tsNs());
            assertEquals("press", frames.get(0).events().get(1).keyAction());
            assertEquals("release", frames.get(1).events().get(1).keyAction());
            assertEquals(List.of(1L, 2L), frames.stream().map(InputFrame::seq).toList());
            assertEquals("input", frames.get(1).typeName());
        }
    }

    @Test
    void aFrameSplitAcrossReadsIsStillOneFrame() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(record(EV_KEY, KEY_A, 1, 1, 0));
            assertEquals(List.of(), r.device.readAvailable(), "no frame before its SYN_REPORT");
            r.kernelWrites(record(EV_KEY, 42, 1, 1, 0), report(1, 0));
            List<InputFrame> frames = frames(r.device.readAvailable());
            assertEquals(1, frames.size());
            assertEquals(2, frames.get(0).events().size());
        }
    }

    @Test
    void synDroppedIsAnOverrunAndTheBrokenFramesRestIsDiscarded() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(record(EV_KEY, KEY_A, 1, 2, 0), record(InputAbi.EV_SYN, InputAbi.SYN_DROPPED, 0, 2, 10),
                    record(EV_KEY, KEY_A, 0, 2, 20), report(2, 20), record(EV_KEY, 48, 1, 2, 30), report(2, 30));
            List<InputFrame> frames = frames(r.device.readAvailable());
            assertEquals(2, frames.size(), String.valueOf(frames));
            assertTrue(frames.get(0).dropped());
            assertEquals("overrun", frames.get(0).typeName());
            assertEquals(List.of(new InputEvent(EV_KEY, 48, 1)), frames.get(1).events(), "the next whole frame");
        }
    }

    @ParameterizedTest
    @EnumSource(NotifyMode.class)
    void framesReachTheLoopsListenerInBothNotifyModes(NotifyMode mode) throws Exception {
        List<DeviceEvent> seen = Collections.synchronizedList(new ArrayList<>());
        DeviceListener listener = (device, batch, handled) -> {
            seen.addAll(batch);
            handled.run();
        };
        try (Recording r = new Recording();
             DeviceLoop loop = new DeviceLoop("evdev-test", mode, LibC.SIGIO, listener).start()) {
            loop.add(r.device).join();
            for (int i = 0; i < 100; i++) {
                r.kernelWrites(record(EV_KEY, KEY_A, i % 2, 3, i), report(3, i));
            }
            await("frames seen").atMost(Duration.ofSeconds(20)).until(seen::size, greaterThanOrEqualTo(100));
            assertEquals(100, seen.size());
            assertEquals(100, seen.get(99).seq());
        }
    }

    @Test
    void aFileThatIsNotAnInputDeviceIsNamed() {
        IOException e = assertThrows(IOException.class, () -> EvdevDevice.open("x", "/dev/null", false));
        assertEquals("/dev/null is not an input device", e.getMessage());
    }

    @Test
    void aNameThatNoDeviceHasFindsNothing(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("event0"));
        assertNull(EvdevDevice.findByName(dir, "My Scanner"));
    }
}
