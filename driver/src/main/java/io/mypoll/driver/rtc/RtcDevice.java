// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.rtc;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.RecordDevice;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.IoctlNumbers;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A reader of a real-time clock ({@code /dev/rtc0}): its update interrupt
 * (once a second) or its periodic interrupt (a power of two per second).
 * Each read is one {@code unsigned long}: the kind of interrupt in the low
 * byte, the number of interrupts since the last read above it. The clock's
 * interrupts are turned off again when the device is closed.
 */
public final class RtcDevice extends RecordDevice {
    /** How the interrupts come. */
    public enum Mode {
        /** RTC_UIE_ON: once a second, as the clock's seconds change. */
        UPDATE,
        /** RTC_IRQP_SET and RTC_PIE_ON: {@code hz} times a second. */
        PERIODIC
    }

    static final int RECORD_SIZE = 8;
    private static final int P = 'p';
    static final long RTC_UIE_ON = IoctlNumbers.io(P, 0x03);
    static final long RTC_UIE_OFF = IoctlNumbers.io(P, 0x04);
    static final long RTC_PIE_ON = IoctlNumbers.io(P, 0x05);
    static final long RTC_PIE_OFF = IoctlNumbers.io(P, 0x06);
    static final long RTC_IRQP_SET = IoctlNumbers.iow(P, 0x0c, 8);
    static final long RTC_RD_TIME = IoctlNumbers.ior(P, 0x09, 36);
    static final int RTC_PF = 0x40;
    static final int RTC_AF = 0x20;
    static final int RTC_UF = 0x10;
    private static final List<String> EVENT_TYPES = List.of("update", "periodic", "alarm");

    private final String path;
    private final Mode mode;
    /* Interrupts counted so far; loop thread (or the one caller of read()) only. */
    private long interrupts;

    RtcDevice(String id, String path, int fd, Mode mode) {
        super(id, fd, RECORD_SIZE, 64);
        this.path = path;
        this.mode = mode;
    }

    /**
     * Opens the clock read-only and nonblocking, checks that it is one
     * (RTC_RD_TIME), and turns its interrupts on.
     *
     * @param hz for {@link Mode#PERIODIC}: a power of two the driver accepts (2 to 8192 for the CMOS clock)
     */
    public static RtcDevice open(String id, String path, Mode mode, int hz) throws IOException {
        if (mode == Mode.PERIODIC && (hz < 1 || Integer.bitCount(hz) != 1)) {
            throw new IllegalArgumentException("hz must be a power of two, not " + hz);
        }
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("open(" + path + ")", LibC.errno());
        }
        RtcDevice device = new RtcDevice(id, path, fd, mode);
        try {
            try {
                device.ioctl("RTC_RD_TIME", RTC_RD_TIME, new com.sun.jna.Memory(36));
            } catch (ErrnoException e) {
                if (e.errno() == LibC.ENOTTY || e.errno() == LibC.EINVAL) {
                    throw new IOException(path + " is not a real-time clock", e);
                }
                throw e;
            }
            if (mode == Mode.UPDATE) {
                device.ioctl("RTC_UIE_ON", RTC_UIE_ON, 0L);
            } else {
                device.ioctl("RTC_IRQP_SET", RTC_IRQP_SET, hz);
                device.ioctl("RTC_PIE_ON", RTC_PIE_ON, 0L);
            }
            return device;
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    @Override
    protected DeviceEvent decode(ByteBuffer buffer, int offset, long readNs) {
        long word = buffer.getLong(offset);
        long count = word >>> 8;
        int flags = (int) (word & 0xff);
        interrupts += Math.max(1, count);
        String kind = (flags & RTC_UF) != 0 ? "update" : (flags & RTC_PF) != 0 ? "periodic"
                : (flags & RTC_AF) != 0 ? "alarm" : mode == Mode.UPDATE ? "update" : "periodic";
        return new RtcTick(interrupts, readNs, readNs, kind, Math.max(0, count - 1));
    }

    /**
     * One read: {@code lost} is the interrupts merged into it (count - 1),
     * since the clock does not say when each came; {@code seq} counts
     * interrupts, so it jumps by the merged ones.
     */
    public record RtcTick(long seq, long tsNs, long readNs, String typeName, long lost) implements DeviceEvent {
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String kind() {
        return "rtc";
    }

    @Override
    public List<String> eventTypes() {
        return EVENT_TYPES;
    }

    /** Turns the interrupts off, then closes: another reader must not find them left on. */
    @Override
    public void close() {
        if (fd() >= 0) {
            LibC.ioctl(fd(), mode == Mode.UPDATE ? RTC_UIE_OFF : RTC_PIE_OFF, 0L);
        }
        super.close();
    }
}
