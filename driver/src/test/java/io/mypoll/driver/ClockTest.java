// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.LibC;
import org.junit.jupiter.api.Test;

class ClockTest {

    /** Latency is System.nanoTime() at read minus the device's ts_ns, so they must share a clock. */
    @Test
    void nanoTimeReadsClockMonotonic() {
        Memory ts = new Memory(16);
        long before = System.nanoTime();
        assertEquals(0, LibC.clock_gettime(LibC.CLOCK_MONOTONIC, ts));
        long after = System.nanoTime();
        long monotonic = ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
        assertTrue(monotonic >= before && monotonic <= after,
                "CLOCK_MONOTONIC " + monotonic + " between nanoTime " + before + " and " + after);
    }

    @Test
    void errnoIsReadStraightAfterTheFailedCall() {
        assertEquals(-1, LibC.close(-1));
        assertEquals(9, LibC.errno(), "EBADF");
        assertEquals(-1, LibC.open("/nonexistent/mypoll", LibC.O_RDONLY));
        assertEquals(2, LibC.errno(), "ENOENT");
    }
}
