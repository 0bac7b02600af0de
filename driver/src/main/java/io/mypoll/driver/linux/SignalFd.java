// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Memory;

/**
 * A nonblocking signalfd over signals that the owning thread has blocked.
 * The kernel queues those signals on the fd instead of running a handler,
 * which is the JVM-safe form of "the handler only writes an eventfd".
 */
public final class SignalFd implements AutoCloseable {
    /** sizeof(struct signalfd_siginfo) */
    public static final int SIGINFO_SIZE = 128;
    private static final int SSI_SIGNO = 0;
    private static final int SSI_CODE = 8;
    private static final int SSI_FD = 20;

    private final int fd;
    private final Memory buffer;
    private int count;

    /** Blocks the signals in the calling thread and creates the fd; call it on the thread that reads. */
    public SignalFd(int capacity, int... signals) throws ErrnoException {
        Memory mask = Signals.set(signals);
        Signals.blockInThisThread(mask);
        fd = ErrnoException.check("signalfd", LibC.signalfd(-1, mask, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC));
        buffer = new Memory((long) capacity * SIGINFO_SIZE);
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads the queued signals into the buffer, as many as fit; returns how
     * many were read, 0 when none were queued.
     */
    public int read() throws ErrnoException {
        while (true) {
            long n = LibC.read(fd, buffer, buffer.size());
            if (n >= 0) {
                count = (int) (n / SIGINFO_SIZE);
                return count;
            }
            int errno = LibC.errno();
            if (errno == LibC.EAGAIN) {
                count = 0;
                return 0;
            }
            if (errno != LibC.EINTR) {
                throw new ErrnoException("read(signalfd)", errno);
            }
        }
    }

    public int signo(int index) {
        return buffer.getInt((long) index * SIGINFO_SIZE + SSI_SIGNO);
    }

    public int code(int index) {
        return buffer.getInt((long) index * SIGINFO_SIZE + SSI_CODE);
    }

    public int fd(int index) {
        return buffer.getInt((long) index * SIGINFO_SIZE + SSI_FD);
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
