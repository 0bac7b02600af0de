// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.KernelSide;
import io.mypoll.driver.linux.ErrnoException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gpio_v2_line_event records as the kernel writes them, through the device's read path, with no chip needed. */
class GpioDeviceTest {
    private static final List<GpioDevice.LineState> LINES = List.of(
            new GpioDevice.LineState(4, "button", false), new GpioDevice.LineState(17, "led", true),
            new GpioDevice.LineState(5, null, false));

    /** The device over a socketpair whose far end plays the kernel. */
    private static final class Recording implements AutoCloseable {
        final KernelSide kernel = new KernelSide();
        final GpioDevice device = GpioDevice.over("pins", "recorded", LINES, kernel.near);

        Recording() throws ErrnoException {
        }

        /** Records of {timestamp, id, offset, seqno, line_seqno}. */
        void kernelWrites(long[]... records) throws ErrnoException {
            kernel.write(records.length, GpioAbi.EVENT_SIZE, (view, at) -> {
                long[] r = records[at / GpioAbi.EVENT_SIZE];
                view.putLong(at + GpioAbi.EVENT_TIMESTAMP_NS, r[0]);
                view.putInt(at + GpioAbi.EVENT_ID, (int) r[1]);
                view.putInt(at + GpioAbi.EVENT_OFFSET, (int) r[2]);
                view.putInt(at + GpioAbi.EVENT_SEQNO, (int) r[3]);
                view.putInt(at + GpioAbi.EVENT_LINE_SEQNO, (int) r[4]);
            });
        }

        @Override
        public void close() {
            device.close();
            kernel.close();
        }
    }

    private static long[] edge(long ts, int id, int offset, long seqno, long lineSeqno) {
        return new long[] {ts, id, offset, seqno, lineSeqno};
    }

    @Test
    void eachRecordIsOneEdgeWithItsLineKernelTimestampAndSeq() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(edge(1_000, GpioAbi.EVENT_RISING_EDGE, 4, 1, 1),
                    edge(2_000, GpioAbi.EVENT_FALLING_EDGE, 4, 2, 2),
                    edge(3_000, GpioAbi.EVENT_RISING_EDGE, 5, 3, 1));
            List<DeviceEvent> events = r.device.readAvailable();
            assertEquals(3, events.size());
            GpioDevice.GpioEdge first = (GpioDevice.GpioEdge) events.get(0);
            assertEquals(List.of(1L, 1_000L, 4, "button", "rising", 1, 0L),
                    List.of(first.seq(), first.tsNs(), first.offset(), first.name(), first.typeName(), first.value(),
                            first.lost()));
            GpioDevice.GpioEdge second = (GpioDevice.GpioEdge) events.get(1);
            assertEquals(List.of("falling", 0, 2L), List.of(second.typeName(), second.value(), second.lineSeq()));
            GpioDevice.GpioEdge third = (GpioDevice.GpioEdge) events.get(2);
            assertNull(third.name(), "a line without a name");
            assertEquals(5, third.offset());
        }
    }

    @Test
    void aGapInTheRequestsSeqnoIsTheEdgesTheKernelDropped() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(edge(1, GpioAbi.EVENT_RISING_EDGE, 4, 1, 1), edge(2, GpioAbi.EVENT_FALLING_EDGE, 4, 2, 2));
            r.kernelWrites(edge(9, GpioAbi.EVENT_RISING_EDGE, 4, 7, 7), edge(10, GpioAbi.EVENT_FALLING_EDGE, 4, 8, 8));
            List<DeviceEvent> events = r.device.readAvailable();
            assertEquals(List.of(0L, 0L, 4L, 0L), events.stream().map(DeviceEvent::lost).toList());
        }
    }

    @Test
    void edgesBeforeTheFirstReadAreLostFromSeqnoOne() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(edge(1, GpioAbi.EVENT_RISING_EDGE, 4, 17, 17));
            assertEquals(16, r.device.readAvailable().get(0).lost());
        }
    }

    @Test
    void theKeptValuesFollowTheEdges() throws Exception {
        try (Recording r = new Recording()) {
            r.kernelWrites(edge(1, GpioAbi.EVENT_RISING_EDGE, 4, 1, 1), edge(2, GpioAbi.EVENT_RISING_EDGE, 5, 2, 1),
                    edge(3, GpioAbi.EVENT_FALLING_EDGE, 5, 3, 2));
            r.device.readAvailable();
            assertEquals(List.of(1, 0, 0), List.copyOf(r.device.values().values()));
        }
    }

    @Test
    void anInputLineCannotBeSet() throws Exception {
        try (Recording r = new Recording()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> r.device.setValue(4, true));
            assertEquals("line button of device pins is an input; only an output line can be set", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.device.setValue(3, true), "not a line of it");
        }
    }

    @Test
    void aLineIsFoundByItsNameOrOffset() throws Exception {
        try (Recording r = new Recording()) {
            assertEquals(17, r.device.line("led").offset());
            assertEquals("led", r.device.line("17").name());
            assertEquals("offset 5", r.device.line("5").label());
            assertNull(r.device.line("relay"));
        }
    }

    @Test
    void anOutputLineTakesNoEdgesNorDebounce() {
        assertThrows(IllegalArgumentException.class, () -> new GpioLine("led", -1, GpioLine.Direction.OUTPUT,
                GpioLine.Edges.BOTH, GpioLine.Bias.AS_IS, false, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new GpioLine("led", -1, GpioLine.Direction.OUTPUT,
                GpioLine.Edges.NONE, GpioLine.Bias.AS_IS, false, 10_000, false));
    }
}
