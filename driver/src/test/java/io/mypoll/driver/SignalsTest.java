// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.Signals;
import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void sigioParsesToItsNumber() {
        assertEquals(29, Signals.parse("SIGIO"));
    }

    @Test
    void realTimeSignalsCountFromGlibcsSigrtmin() {
        int min = LibC.__libc_current_sigrtmin();
        assertEquals(min + 4, Signals.parse("SIGRTMIN+4"));
        assertEquals(LibC.__libc_current_sigrtmax() - 1, Signals.parse("sigrtmax-1"));
        assertTrue(min > 32, "glibc keeps the first real-time signals for itself");
    }

    @Test
    void otherNamesAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGUSR1"));
        assertTrue(e.getMessage().contains("SIGUSR1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGRTMIN+99"));
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGRTMIN-1"));
    }
}
