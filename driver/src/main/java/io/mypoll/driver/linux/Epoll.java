// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

/** An epoll instance whose events carry the fd they are for. */
public final class Epoll implements AutoCloseable {
    private final int fd;
    private final EpollEvents ctlArg = new EpollEvents(1);

    public Epoll() throws ErrnoException {
        fd = ErrnoException.check("epoll_create1", LibC.epoll_create1(LibC.O_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    public synchronized void add(int target, int events) throws ErrnoException {
        ctl(LibC.EPOLL_CTL_ADD, target, events);
    }

    public synchronized void modify(int target, int events) throws ErrnoException {
        ctl(LibC.EPOLL_CTL_MOD, target, events);
    }

    public synchronized void remove(int target) throws ErrnoException {
        ctl(LibC.EPOLL_CTL_DEL, target, 0);
    }

    private void ctl(int op, int target, int events) throws ErrnoException {
        ctlArg.set(0, events, target);
        ErrnoException.check("epoll_ctl", LibC.epoll_ctl(fd, op, target, ctlArg.pointer()));
    }

    /**
     * Waits for events, retrying on EINTR.
     *
     * @param timeoutMs -1 to wait for ever, 0 not to wait
     * @return the number of events filled in
     */
    public int await(EpollEvents events, int timeoutMs) throws ErrnoException {
        while (true) {
            int n = LibC.epoll_wait(fd, events.pointer(), events.capacity(), timeoutMs);
            if (n >= 0) {
                return n;
            }
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                throw new ErrnoException("epoll_wait", errno);
            }
        }
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
