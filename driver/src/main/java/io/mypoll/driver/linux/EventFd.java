// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Memory;

/** A nonblocking eventfd, used to wake a thread that sleeps in epoll_wait. */
public final class EventFd implements AutoCloseable {
    private final int fd;
    private final Memory one = new Memory(8);
    private final Memory sink = new Memory(8);

    public EventFd() throws ErrnoException {
        fd = ErrnoException.check("eventfd", LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC));
        one.setLong(0, 1);
    }

    public int fd() {
        return fd;
    }

    /** Adds one to the counter: the fd becomes readable. Safe from any thread. */
    public void signal() {
        LibC.write(fd, one, 8);
    }

    /** Resets the counter; returns false when it was already zero. */
    public boolean clear() {
        return LibC.read(fd, sink, 8) == 8;
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
