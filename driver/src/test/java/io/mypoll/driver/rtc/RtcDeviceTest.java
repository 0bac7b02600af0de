// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.Memory;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.rtc.RtcDevice.RtcTick;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RTC reads as the kernel returns them, through the device's read path, with no clock needed. */
class RtcDeviceTest {
    private static final int RTC_IRQF = 0x80;

    @Test
    void eachReadIsOneTickAndMergedInterruptsAreLostTicks() throws Exception {
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0,
                pair));
        ErrnoException.check("fcntl", LibC.fcntl(pair[0], LibC.F_SETFL, LibC.O_RDWR | LibC.O_NONBLOCK));
        RtcDevice rtc = new RtcDevice("clock", "recorded", pair[0], RtcDevice.Mode.PERIODIC);
        try {
            kernelReports(pair[1], (1L << 8) | RtcDevice.RTC_PF | RTC_IRQF);
            kernelReports(pair[1], (3L << 8) | RtcDevice.RTC_PF | RTC_IRQF);
            kernelReports(pair[1], (1L << 8) | RtcDevice.RTC_UF | RTC_IRQF);
            List<DeviceEvent> ticks = rtc.readAvailable();
            assertEquals(3, ticks.size());
            RtcTick first = (RtcTick) ticks.get(0);
            RtcTick merged = (RtcTick) ticks.get(1);
            assertEquals("periodic", first.typeName());
            assertEquals(1, first.seq());
            assertEquals(0, first.lost());
            assertEquals(4, merged.seq(), "seq counts interrupts");
            assertEquals(2, merged.lost(), "three interrupts in one read: two ticks lost");
            assertEquals("update", ticks.get(2).typeName());
        } finally {
            rtc.close();
            LibC.close(pair[1]);
        }
    }

    private static void kernelReports(int fd, long word) throws ErrnoException {
        Memory out = new Memory(8);
        out.setLong(0, word);
        ErrnoException.check("write", LibC.write(fd, out, 8));
    }

    @Test
    void aFileThatIsNotAClockIsNamed() {
        IOException e = assertThrows(IOException.class,
                () -> RtcDevice.open("x", "/dev/null", RtcDevice.Mode.UPDATE, 0));
        assertEquals("/dev/null is not a real-time clock", e.getMessage());
    }

    @Test
    void aPeriodicRateMustBeAPowerOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RtcDevice.open("x", "/dev/null", RtcDevice.Mode.PERIODIC, 100));
        assertEquals("hz must be a power of two, not 100", e.getMessage());
    }
}
