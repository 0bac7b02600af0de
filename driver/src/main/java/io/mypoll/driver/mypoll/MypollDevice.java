// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;

/** A reader of the real mypoll kernel device, such as {@code /dev/mypoll}. */
public final class MypollDevice extends MypollReader {
    private final String path;

    private MypollDevice(String id, String path, int fd) {
        super(id, fd);
        this.path = path;
    }

    /**
     * Opens the device node read-write and nonblocking, and checks with the
     * stats ioctl that it is a mypoll device.
     */
    public static MypollDevice open(String id, String path) throws IOException {
        int fd = LibC.open(path, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("open(" + path + ")", LibC.errno());
        }
        MypollDevice device = new MypollDevice(id, path, fd);
        try {
            device.stats();
        } catch (ErrnoException e) {
            device.close();
            if (e.errno() == LibC.ENOTTY || e.errno() == LibC.EINVAL) {
                throw new IOException(path + " is not a mypoll device", e);
            }
            throw e;
        }
        return device;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String kind() {
        return "mypoll";
    }

    @Override
    public int periodUs() throws IOException {
        Memory value = new Memory(4);
        ioctl("MYPOLL_IOC_GET_PERIOD", MypollAbi.IOC_GET_PERIOD, value);
        return value.getInt(0);
    }

    @Override
    public void setPeriodUs(int periodUs) throws IOException {
        if (periodUs < 0) {
            throw new IllegalArgumentException("period must not be negative: " + periodUs);
        }
        Memory value = new Memory(4);
        value.setInt(0, periodUs);
        ioctl("MYPOLL_IOC_SET_PERIOD", MypollAbi.IOC_SET_PERIOD, value);
    }

    @Override
    public void burst(int count) throws IOException {
        if (count < 1 || count > MypollAbi.BURST_MAX) {
            throw new IllegalArgumentException("burst count must be 1.." + MypollAbi.BURST_MAX + ": " + count);
        }
        Memory value = new Memory(4);
        value.setInt(0, count);
        ioctl("MYPOLL_IOC_BURST", MypollAbi.IOC_BURST, value);
    }

    @Override
    public DeviceStats stats() throws IOException {
        Memory value = new Memory(MypollAbi.STATS_SIZE);
        ioctl("MYPOLL_IOC_GET_STATS", MypollAbi.IOC_GET_STATS, value);
        return DeviceStats.decode(value);
    }
}
