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

    TickDevice(String id) throws IOException {
        super(id, -1, RECORD_SIZE, 256);
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
