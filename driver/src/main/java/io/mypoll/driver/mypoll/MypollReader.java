// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.RecordDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A reader of mypoll records, the kernel device's or the emulator's: 64-byte
 * {@code struct mypoll_event}s, and writes that are manual triggers.
 */
public abstract sealed class MypollReader extends RecordDevice implements MypollControl
        permits MypollDevice, EmulatedDevice {
    /** Records one read() may return: 64 KiB, as many as the driver hands out at once. */
    public static final int RECORDS_PER_READ = 1024;
    private static final List<String> EVENT_TYPES = Arrays.stream(EventType.values()).map(EventType::label).toList();

    MypollReader(String id, int fd) {
        super(id, fd, MypollAbi.RECORD_SIZE, RECORDS_PER_READ);
    }

    @Override
    protected DeviceEvent decode(ByteBuffer buffer, int offset, long readNs) {
        return MypollEvent.decode(buffer, offset, readNs);
    }

    @Override
    public List<String> eventTypes() {
        return EVENT_TYPES;
    }

    @Override
    public void trigger(byte[] payload) throws IOException {
        if (payload.length == 0) {
            throw new IllegalArgumentException("a trigger needs at least one byte");
        }
        write(payload);
    }
}
