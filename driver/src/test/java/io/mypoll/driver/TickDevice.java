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
 * A device type that exists only in the tests: 16-byte records (seq, tsNs)
 * on one end of a socketpair, written by the test at the other end. It shows
 * that a new record format is one class, with no change to the loop.
 */
final class TickDevice extends RecordDevice {
    static final int RECORD_SIZE = 16;
    private final int farFd;
    private final Memory out = new Memory(RECORD_SIZE * 64L);
    private final ByteBuffer outView = NativeBuffers.view(out);
    private long nextSeq = 1;
    private boolean farClosed;

    record Tick(long seq, long tsNs, long readNs) implements DeviceEvent {
        @Override
        public String typeName() {
            return "tick";
        }

        @Override
        public long lost() {
            return 0;
        }
    }

    /** What {@link #signals()} says; a socketpair could signal, the loop must not ask it to. */
    private final boolean signals;
    /** When set, the next read fails as a read of a device that has gone, with nothing on the fd. */
    private volatile boolean gone;

    TickDevice(String id) throws IOException {
        this(id, true);
    }

    TickDevice(String id, boolean signals) throws IOException {
        super(id, -1, RECORD_SIZE, 256);
        this.signals = signals;
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX,
                LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair));
        setFd(pair[0]);
        farFd = pair[1];
    }

    @Override
    protected DeviceEvent decode(ByteBuffer buffer, int offset, long readNs) {
        return new Tick(buffer.getLong(offset), buffer.getLong(offset + 8), readNs);
    }

    @Override
    public String path() {
        return "ticks";
    }

    @Override
    public boolean signals() {
        return signals;
    }

    /** The device goes without a word on its fd, as a GPIO line of a removed chip on Linux 6.1. */
    void goQuietly() {
        gone = true;
    }

    @Override
    public boolean read(int maxReads, java.util.List<DeviceEvent> into) throws IOException {
        if (gone) {
            throw new IOException("read(ticks): No such device");
        }
        return super.read(maxReads, into);
    }

    @Override
    public String kind() {
        return "tick";
    }

    @Override
    public List<String> eventTypes() {
        return List.of("tick");
    }

    /** Sends {@code count} ticks (at most 64) as one message, as a driver hands out several records per read. */
    synchronized void tick(int count) throws ErrnoException {
        for (int i = 0; i < count; i++) {
            outView.putLong(i * RECORD_SIZE, nextSeq++);
            outView.putLong(i * RECORD_SIZE + 8, System.nanoTime());
        }
        ErrnoException.check("write", LibC.write(farFd, out, (long) count * RECORD_SIZE));
    }

    /** The far end goes away: the reader's next read returns end of file. */
    synchronized void hangUp() {
        if (!farClosed) {
            farClosed = true;
            LibC.close(farFd);
        }
    }

    @Override
    public void close() {
        super.close();
        hangUp();
    }
}
