// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls the driver needs, bound with JNA direct mapping (about three
 * times cheaper per call than interface mapping; read and epoll_wait are hot).
 *
 * <p>Every call returns the raw libc result. Read {@link #errno()} on the same
 * thread straight after a call that failed, before any other native call.
 *
 * <p>Constants are those of the generic Linux ABI (x86, x86_64, arm, aarch64,
 * riscv); the bridge runs only on 64-bit Linux, where {@code ssize_t} is a
 * Java {@code long}.
 */
public final class LibC {
    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("mypoll-bridge needs 64-bit Linux, not "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    // errno values
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;

    // open(2), fcntl(2)
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_ASYNC = 0x2000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_SETSIG = 10;
    public static final int F_SETOWN_EX = 15;
    public static final int F_OWNER_TID = 0;

    // eventfd(2), signalfd(2), timerfd_create(2), epoll_create1(2) share the O_ flag values
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    public static final int EFD_CLOEXEC = O_CLOEXEC;

    // epoll(7)
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;

    // signals
    public static final int SIGKILL = 9;
    public static final int SIGIO = 29;
    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;
    public static final int SIGSET_T_SIZE = 128;
    /** si_code of a SIGIO the kernel sends when the real-time signal queue overflowed. */
    public static final int SI_KERNEL = 0x80;
    /** si_code of a signal sent for input ready ({@code POLL_IN}). */
    public static final int POLL_IN = 1;
    public static final Pointer SIG_IGN = new Pointer(1);

    // sockets
    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int FIONREAD = 0x541B;
    /** sendto(2), recv(2): fail with EAGAIN rather than wait. */
    public static final int MSG_DONTWAIT = 0x40;
    /** sizeof(struct sockaddr_un): the family (2 bytes), then 108 bytes of path. */
    public static final int SOCKADDR_UN_SIZE = 110;

    // clocks
    public static final int CLOCK_MONOTONIC = 1;

    public static native int open(String path, int flags);

    public static native int close(int fd);

    public static native long read(int fd, Pointer buf, long count);

    public static native long write(int fd, Pointer buf, long count);

    public static native long write(int fd, byte[] buf, long count);

    public static native int ioctl(int fd, long request, Pointer arg);

    /** For requests whose argument is a value, not a pointer (EVIOCGRAB, RTC_IRQP_SET) or none (0). */
    public static native int ioctl(int fd, long request, long arg);

    public static native int fcntl(int fd, int cmd, long arg);

    public static native int fcntl(int fd, int cmd, Pointer arg);

    public static native int eventfd(int initval, int flags);

    public static native int epoll_create1(int flags);

    public static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    public static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

    public static native int signalfd(int fd, Pointer mask, int flags);

    public static native int pthread_sigmask(int how, Pointer set, Pointer oldset);

    public static native int sigemptyset(Pointer set);

    public static native int sigaddset(Pointer set, int signum);

    public static native int sigismember(Pointer set, int signum);

    public static native Pointer signal(int signum, Pointer handler);

    public static native int __libc_current_sigrtmin();

    public static native int __libc_current_sigrtmax();

    /** glibc's wrapper; the raw syscall number differs per architecture. */
    public static native int gettid();

    public static native int getpid();

    public static native int kill(int pid, int sig);

    public static native int clock_gettime(int clockid, Pointer timespec);

    public static native int socketpair(int domain, int type, int protocol, int[] sv);

    public static native int setsockopt(int fd, int level, int optname, int[] optval, int optlen);

    public static native int socket(int domain, int type, int protocol);

    /** {@code addr} is a struct sockaddr of {@code addrlen} bytes, such as a sockaddr_un. */
    public static native int bind(int fd, byte[] addr, int addrlen);

    public static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen);

    public static native long recv(int fd, byte[] buf, long len, int flags);

    public static native int timerfd_create(int clockid, int flags);

    public static native int timerfd_settime(int fd, int flags, Pointer newValue, Pointer oldValue);

    public static native String strerror(int errnum);

    /** The errno of this thread's last native call. */
    public static int errno() {
        return Native.getLastError();
    }
}
