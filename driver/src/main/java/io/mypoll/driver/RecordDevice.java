package io.mypoll.driver;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** What both devices do the same way, through the reader's file descriptor. */
abstract class FileDevice implements Device {
    private final String id;
    /** -1 once closed. */
    private volatile int fd;
    /** Guarded by itself: readBatch() callers. */
    private final Memory readBuffer = new Memory(READ_BUFFER_SIZE);
    private final ByteBuffer records = Records.view(readBuffer);

    FileDevice(String id, int fd) {
        this.id = id;
        this.fd = fd;
    }

    @Override
    public String id() {
        return id;
    }

    /** For devices that can only make their fd after the constructor's first line. */
    void setFd(int fd) {
        this.fd = fd;
    }

    @Override
    public int fd() {
        return fd;
    }

    /** The fd, or an exception when the device is closed. */
    int openFd() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("device " + id + " is closed");
        }
        return f;
    }

    @Override
    public List<DeviceEvent> readBatch() throws IOException {
        List<DeviceEvent> events = new ArrayList<>();
        synchronized (readBuffer) {
            int f = openFd();
            while (true) {
                long n = LibC.read(f, readBuffer, READ_BUFFER_SIZE);
                if (n > 0) {
                    long now = System.nanoTime();
                    for (int off = 0; off + MypollAbi.RECORD_SIZE <= n; off += MypollAbi.RECORD_SIZE) {
                        events.add(DeviceEvent.decode(records, off, now));
                    }
                    continue;
                }
                if (n == 0) {
                    throw new IOException("device " + id + " has gone (end of file)");
                }
                int errno = LibC.errno();
                if (errno == LibC.EAGAIN) {
                    return events;
                }
                if (errno != LibC.EINTR) {
                    throw new ErrnoException("read(" + path() + ")", errno);
                }
            }
        }
    }

    @Override
    public void trigger(byte[] payload) throws IOException {
        if (payload.length == 0) {
            throw new IllegalArgumentException("a trigger needs at least one byte");
        }
        while (true) {
            long n = LibC.write(openFd(), payload, payload.length);
            if (n >= 0) {
                return;
            }
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                throw new ErrnoException("write(" + path() + ")", errno);
            }
        }
    }

    @Override
    public void close() {
        int f;
        synchronized (readBuffer) {
            f = fd;
            fd = -1;
        }
        if (f >= 0) {
            LibC.close(f);
        }
    }
}
