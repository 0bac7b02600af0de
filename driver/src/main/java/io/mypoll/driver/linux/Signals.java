// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** Signal numbers, dispositions and masks. */
public final class Signals {
    private Signals() {
    }

    /**
     * Parses {@code SIGIO}, {@code SIGRTMIN+N} or {@code SIGRTMAX-N}. Real-time
     * signals count from glibc's SIGRTMIN, which is above the ones glibc keeps
     * for itself.
     *
     * @throws IllegalArgumentException naming what was wrong
     */
    public static int parse(String name) {
        String n = name.trim().toUpperCase();
        if (n.equals("SIGIO") || n.equals("IO")) {
            return LibC.SIGIO;
        }
        int min = LibC.__libc_current_sigrtmin();
        int max = LibC.__libc_current_sigrtmax();
        int signal;
        try {
            if (n.startsWith("SIGRTMIN")) {
                signal = min + offset(n.substring(8), '+');
            } else if (n.startsWith("SIGRTMAX")) {
                signal = max - offset(n.substring(8), '-');
            } else {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' is not SIGIO, SIGRTMIN+N or SIGRTMAX-N");
        }
        if (signal < min || signal > max) {
            throw new IllegalArgumentException("'" + name + "' is outside SIGRTMIN.." + "SIGRTMAX (" + min + ".." + max + ")");
        }
        return signal;
    }

    private static int offset(String rest, char sign) {
        if (rest.isEmpty()) {
            return 0;
        }
        if (rest.charAt(0) != sign) {
            throw new IllegalArgumentException();
        }
        return Integer.parseInt(rest.substring(1));
    }

    /**
     * Sets the signal to SIG_IGN for the whole process. SIGIO's default action
     * would kill the JVM; a thread that blocks the signal still gets it on its
     * signalfd, because the kernel never discards a blocked signal.
     */
    public static void ignore(int signal) throws ErrnoException {
        if (Pointer.nativeValue(LibC.signal(signal, LibC.SIG_IGN)) == -1) {
            throw new ErrnoException("signal(" + signal + ", SIG_IGN)", LibC.errno());
        }
    }

    /** A sigset_t holding the given signals. */
    public static Memory set(int... signals) {
        Memory set = new Memory(LibC.SIGSET_T_SIZE);
        LibC.sigemptyset(set);
        for (int s : signals) {
            LibC.sigaddset(set, s);
        }
        return set;
    }

    /** Blocks the signals in the calling thread only. */
    public static void blockInThisThread(Memory set) throws ErrnoException {
        int rc = LibC.pthread_sigmask(LibC.SIG_BLOCK, set, null);
        if (rc != 0) {
            throw new ErrnoException("pthread_sigmask", rc);
        }
    }
}
