// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * A socketpair whose far end plays the kernel for a device type's tests: the near end is the reader's fd
 * (nonblocking), and each {@link #write} is one read()'s worth of records, as a driver hands them out.
 */
public final class KernelSide implements AutoCloseable {
    /** The reader's end. */
    public final int near;
    private final int far;

    public KernelSide() throws ErrnoException {
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0,
                pair));
        ErrnoException.check("fcntl", LibC.fcntl(pair[0], LibC.F_SETFL, LibC.O_RDWR | LibC.O_NONBLOCK));
        near = pair[0];
        far = pair[1];
    }

    /** Writes {@code count} records of {@code size} bytes, each filled by {@code fill(view, offset)}. */
    public void write(int count, int size, BiConsumer<ByteBuffer, Integer> fill) throws ErrnoException {
        Memory out = new Memory((long) count * size);
        out.clear();
        ByteBuffer view = NativeBuffers.view(out);
        for (int i = 0; i < count; i++) {
            fill.accept(view, i * size);
        }
        ErrnoException.check("write", LibC.write(far, out, out.size()));
    }

    /** Closes the far end; the reader's end is the device's to close. */
    @Override
    public void close() {
        LibC.close(far);
    }
}
