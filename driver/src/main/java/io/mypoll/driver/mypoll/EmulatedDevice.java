// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.mypoll.driver.linux.Epoll;
import io.mypoll.driver.linux.EpollEvents;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.EventFd;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process mypoll device with one reader, for machines that cannot load
 * the kernel module.
 *
 * <p>The reader's fd is one end of a {@code SOCK_SEQPACKET} socketpair, so the
 * kernel itself provides poll readiness and SIGIO for it, as it does for the
 * real device. The other end belongs to a producer thread that behaves like
 * the driver: timer events from a timerfd, one MANUAL event per message the
 * reader writes, BURST events on request. Records wait in a per-reader queue
 * of {@code queueLen} records until the socket takes them; when that queue is
 * full the oldest record is dropped and the reader later gets an OVERRUN
 * record first, as from the driver. The socket's own buffer adds some more
 * room before that happens.
 *
 * <p>Each message on the socket holds 1 to 64 whole records, so a read with a
 * buffer of at least 4096 bytes returns 64 * k bytes, like the driver.
 */
public final class EmulatedDevice extends MypollReader {
    public static final int MAX_QUEUE_LEN = 1 << 22;
    static final int MAX_RECORDS_PER_MESSAGE = 64;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final int farFd;
    private final int timerFd;
    private final Epoll epoll;
    private final EventFd wake;
    private final Thread producer;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();

    /*
     * The reader's queue and the device counters. Guarded by 'this': the
     * producer thread takes it for timer ticks, triggers and flushing, callers
     * of burst(), setPeriodUs() and stats() take it from their own threads.
     */
    private final int capacity;
    private final Memory ring;
    private final ByteBuffer ringRecords;
    private final Memory overrunRecord = new Memory(MypollAbi.RECORD_SIZE);
    private final ByteBuffer overrunView = NativeBuffers.view(overrunRecord);
    private final Memory timerSpec = new Memory(32);
    private int head;
    private int count;
    private long nextSeq = 1;
    private long lostPending;
    private long lastLostSeq;
    private long lastLostNs;
    private long generated;
    private long lostTotal;
    private long written;
    private int periodUs;
    private boolean waitingForSpace;
    private boolean farClosed;

    /** Only the producer thread touches these. */
    private final Memory triggerBuffer = new Memory(4096);
    private final Memory expirations = new Memory(8);

    /**
     * Creates the device and starts its producer thread.
     *
     * @param periodUs timer period in microseconds, 0 for none
     * @param queueLen the reader's queue length in records, a power of two
     */
    public EmulatedDevice(String id, int periodUs, int queueLen) throws IOException {
        super(id, -1);
        if (queueLen < 1 || queueLen > MAX_QUEUE_LEN || Integer.bitCount(queueLen) != 1) {
            throw new IllegalArgumentException("queueLen must be a power of two from 1 to " + MAX_QUEUE_LEN
                    + ": " + queueLen);
        }
        if (periodUs < 0) {
            throw new IllegalArgumentException("period must not be negative: " + periodUs);
        }
        this.capacity = queueLen;
        this.ring = new Memory((long) queueLen * MypollAbi.RECORD_SIZE);
        this.ringRecords = NativeBuffers.view(ring);
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX,
                LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair));
        setFd(pair[0]);
        farFd = pair[1];
        // Best effort: a larger buffer lets more records wait in the kernel; capped by net.core.wmem_max.
        LibC.setsockopt(farFd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, new int[] {SOCKET_BUFFER_BYTES}, 4);
        ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(pair[0], LibC.F_SETFL, LibC.O_RDWR | LibC.O_NONBLOCK));
        ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(farFd, LibC.F_SETFL, LibC.O_RDWR | LibC.O_NONBLOCK));
        timerFd = ErrnoException.check("timerfd_create",
                LibC.timerfd_create(LibC.CLOCK_MONOTONIC, LibC.O_NONBLOCK | LibC.O_CLOEXEC));
        epoll = new Epoll();
        wake = new EventFd();
        epoll.add(timerFd, LibC.EPOLLIN);
        epoll.add(farFd, LibC.EPOLLIN | LibC.EPOLLRDHUP);
        epoll.add(wake.fd(), LibC.EPOLLIN);
        setPeriodUs(periodUs);
        producer = new Thread(this::produce, "mypoll-emulator-" + id);
        producer.setDaemon(true);
        producer.start();
    }

    @Override
    public String path() {
        return "emulator";
    }

    @Override
    public String kind() {
        return "emulator";
    }

    @Override
    public synchronized int periodUs() {
        return periodUs;
    }

    @Override
    public synchronized void setPeriodUs(int periodUs) throws IOException {
        if (periodUs < 0) {
            throw new IllegalArgumentException("period must not be negative: " + periodUs);
        }
        long sec = periodUs / 1_000_000L;
        long nsec = (periodUs % 1_000_000L) * 1000L;
        timerSpec.setLong(0, sec);
        timerSpec.setLong(8, nsec);
        timerSpec.setLong(16, sec);
        timerSpec.setLong(24, nsec);
        ErrnoException.check("timerfd_settime", LibC.timerfd_settime(timerFd, 0, timerSpec, null));
        this.periodUs = periodUs;
    }

    @Override
    public synchronized void burst(int n) throws IOException {
        if (n < 1 || n > MypollAbi.BURST_MAX) {
            throw new IllegalArgumentException("burst count must be 1.." + MypollAbi.BURST_MAX + ": " + n);
        }
        openFd();
        for (int i = 0; i < n; i++) {
            generate(EventType.BURST, NO_PAYLOAD, System.nanoTime());
        }
        flush();
    }

    @Override
    public synchronized DeviceStats stats() throws IOException {
        Memory inQueue = new Memory(4);
        ErrnoException.check("ioctl(FIONREAD)", LibC.ioctl(openFd(), LibC.FIONREAD, inQueue));
        long inSocket = inQueue.getInt(0) / MypollAbi.RECORD_SIZE;
        return new DeviceStats(generated, written - inSocket, lostTotal, (int) (count + inSocket), capacity, 1,
                periodUs);
    }

    /**
     * Makes the device go away under its reader, as an unplugged device
     * would: the producer stops and the reader's next read returns end of file.
     */
    public void hangUp() {
        if (closed.get() && farClosed()) {
            return;
        }
        stopProducer();
        synchronized (this) {
            if (!farClosed) {
                farClosed = true;
                LibC.close(farFd);
            }
        }
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        hangUp();
        LibC.close(timerFd);
        epoll.close();
        wake.close();
        super.close();
    }

    private synchronized boolean farClosed() {
        return farClosed;
    }

    private void stopProducer() {
        stopping = true;
        wake.signal();
        if (Thread.currentThread() != producer) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void produce() {
        EpollEvents events = new EpollEvents(4);
        try {
            while (!stopping) {
                int n = epoll.await(events, -1);
                for (int i = 0; i < n; i++) {
                    int fd = events.fd(i);
                    if (fd == timerFd) {
                        onTimer();
                    } else if (fd == farFd) {
                        onSocket(events.events(i));
                    } else {
                        wake.clear();
                    }
                }
            }
        } catch (ErrnoException e) {
            // The fds are gone: the device is closing.
        }
    }

    /** Reads the timerfd under the lock: once setPeriodUs(0) returns, no tick is left in flight. */
    private synchronized void onTimer() {
        if (LibC.read(timerFd, expirations, 8) != 8) {
            return;
        }
        // One event per expiry, as many as the queue can show after a long stall.
        long ticks = Math.min(expirations.getLong(0), capacity + 1L);
        for (long i = 0; i < ticks; i++) {
            generate(EventType.TIMER, NO_PAYLOAD, System.nanoTime());
        }
        flush();
    }

    private void onSocket(int ready) throws ErrnoException {
        if ((ready & LibC.EPOLLIN) != 0) {
            readTriggers();
        }
        synchronized (this) {
            if ((ready & (LibC.EPOLLHUP | LibC.EPOLLRDHUP | LibC.EPOLLERR)) != 0) {
                // The reader closed its end: nothing more can be delivered.
                epoll.remove(farFd);
                count = 0;
                return;
            }
            flush();
        }
    }

    /** Each message the reader wrote is one MANUAL event with its first 40 bytes. */
    private void readTriggers() {
        while (true) {
            long n = LibC.read(farFd, triggerBuffer, triggerBuffer.size());
            if (n > 0) {
                byte[] payload = triggerBuffer.getByteArray(0, (int) Math.min(n, MypollAbi.PAYLOAD_MAX));
                synchronized (this) {
                    generate(EventType.MANUAL, payload, System.nanoTime());
                }
                continue;
            }
            if (n < 0 && LibC.errno() == LibC.EINTR) {
                continue;
            }
            break;
        }
        synchronized (this) {
            flush();
        }
    }

    /** Queues one event for the reader, dropping the oldest when the queue is full. Holds 'this'. */
    private void generate(EventType type, byte[] payload, long tsNs) {
        if (count == capacity) {
            lastLostSeq = ringRecords.getLong(head * MypollAbi.RECORD_SIZE + MypollAbi.OFFSET_SEQ);
            lastLostNs = tsNs;
            head = (head + 1) & (capacity - 1);
            count--;
            lostPending++;
            lostTotal++;
        }
        int tail = (head + count) & (capacity - 1);
        MypollEvent.encode(ringRecords, tail * MypollAbi.RECORD_SIZE, nextSeq++, tsNs, type, 0, payload);
        count++;
        generated++;
    }

    /** Moves queued records into the socket until it is full. Holds 'this'. */
    private void flush() {
        while (!farClosed) {
            if (lostPending > 0) {
                MypollEvent.encode(overrunView, 0, lastLostSeq, lastLostNs, EventType.OVERRUN,
                        (int) Math.min(lostPending, 0xFFFF_FFFFL), NO_PAYLOAD);
                if (!send(overrunRecord, MypollAbi.RECORD_SIZE)) {
                    break;
                }
                lostPending = 0;
                continue;
            }
            if (count == 0) {
                break;
            }
            int chunk = Math.min(Math.min(count, MAX_RECORDS_PER_MESSAGE), capacity - head);
            if (!send(ring.share((long) head * MypollAbi.RECORD_SIZE), (long) chunk * MypollAbi.RECORD_SIZE)) {
                break;
            }
            head = (head + chunk) & (capacity - 1);
            count -= chunk;
            written += chunk;
        }
        waitForSpace(!farClosed && (count > 0 || lostPending > 0));
    }

    /** One message; false when the socket is full or the reader has gone. Holds 'this'. */
    private boolean send(Pointer data, long length) {
        while (true) {
            if (LibC.write(farFd, data, length) >= 0) {
                return true;
            }
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                return false;
            }
        }
    }

    /** Asks epoll for EPOLLOUT only while records wait for room. Holds 'this'. */
    private void waitForSpace(boolean want) {
        if (want == waitingForSpace) {
            return;
        }
        try {
            epoll.modify(farFd, LibC.EPOLLIN | LibC.EPOLLRDHUP | (want ? LibC.EPOLLOUT : 0));
            waitingForSpace = want;
        } catch (ErrnoException e) {
            // The socket was removed after the reader hung up.
        }
    }
}
