// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A device whose reads return whole fixed-size records. The read loop
 * (EINTR retried, EAGAIN ends it, end of file and errors close the device) is
 * here once; a device type names its record size and decodes one record.
 */
public abstract class RecordDevice implements Device {
    private final String id;
    private final int recordSize;
    private final int readSize;
    /** -1 once closed. Written under the read lock, so a read never uses a closed (and reused) fd. */
    private volatile int fd;
    /** The read buffer, allocated once; its monitor is the read lock (readers and close()). */
    private final Memory readBuffer;
    private final ByteBuffer records;

    /**
     * @param recordSize     bytes of one record
     * @param recordsPerRead records one read() may return at most: the buffer's size
     */
    protected RecordDevice(String id, int fd, int recordSize, int recordsPerRead) {
        this.id = id;
        this.fd = fd;
        this.recordSize = recordSize;
        this.readSize = recordSize * recordsPerRead;
        this.readBuffer = new Memory(readSize);
        this.records = NativeBuffers.view(readBuffer);
    }

    /**
     * Decodes the record at {@code offset} of {@code buffer} (native memory,
     * host byte order). Null when the record only adds to an event that a
     * later record completes (an input frame ends at its SYN_REPORT).
     */
    protected abstract DeviceEvent decode(ByteBuffer buffer, int offset, long readNs);

    @Override
    public String id() {
        return id;
    }

    /** For devices that can only make their fd after the constructor's first line. */
    protected void setFd(int fd) {
        this.fd = fd;
    }

    @Override
    public int fd() {
        return fd;
    }

    /** The fd, or an exception when the device is closed. */
    protected int openFd() throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("device " + id + " is closed");
        }
        return f;
    }

    @Override
    public boolean read(int maxReads, List<DeviceEvent> into) throws IOException {
        synchronized (readBuffer) {
            int f = openFd();
            for (int reads = 0; reads < maxReads; ) {
                long n = LibC.read(f, readBuffer, readSize);
                if (n > 0) {
                    long now = System.nanoTime();
                    for (int off = 0; off + recordSize <= n; off += recordSize) {
                        DeviceEvent event = decode(records, off, now);
                        if (event != null) {
                            into.add(event);
                        }
                    }
                    reads++;
                    continue;
                }
                if (n == 0) {
                    throw new IOException("end of file");
                }
                int errno = LibC.errno();
                if (errno == LibC.EAGAIN) {
                    return false;
                }
                if (errno != LibC.EINTR) {
                    throw new ErrnoException("read(" + path() + ")", errno);
                }
            }
            return true;
        }
    }

    /** An ioctl whose argument is a value or none, retrying EINTR; the error names the request. */
    protected void ioctl(String name, long request, long arg) throws IOException {
        while (LibC.ioctl(openFd(), request, arg) < 0) {
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                throw new ErrnoException("ioctl(" + path() + ", " + name + ")", errno);
            }
        }
    }

    /** An ioctl whose argument points at memory, retrying EINTR; the error names the request. */
    protected void ioctl(String name, long request, Memory arg) throws IOException {
        while (LibC.ioctl(openFd(), request, arg) < 0) {
            int errno = LibC.errno();
            if (errno != LibC.EINTR) {
                throw new ErrnoException("ioctl(" + path() + ", " + name + ")", errno);
            }
        }
    }

    /** Writes one message to the device, retrying EINTR. */
    protected void write(byte[] data) throws IOException {
        while (true) {
            long n = LibC.write(openFd(), data, data.length);
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
