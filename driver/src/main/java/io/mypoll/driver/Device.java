package io.mypoll.driver;

import java.io.IOException;
import java.util.List;

/**
 * An open mypoll reader: the real device or the emulator. Both hand the
 * bridge a kernel file descriptor that reads 64-byte records, takes writes as
 * manual triggers, and signals readiness through poll and SIGIO.
 */
public interface Device extends AutoCloseable {
    /** Size of a read buffer that always holds a whole read: 1024 records. */
    int READ_BUFFER_SIZE = 1024 * MypollAbi.RECORD_SIZE;

    /** The bridge's name for the device, as in {@code mypoll.trigger.<id>}. */
    String id();

    /** The device node, or {@code "emulator"}. */
    String path();

    /** "mypoll" or "emulator". */
    String kind();

    /** The reader's file descriptor; valid until {@link #close()}. */
    int fd();

    /**
     * Reads the records that are queued now, without blocking.
     *
     * @return the records in order; empty when none are queued
     * @throws IOException when the read fails, or the device has gone
     */
    List<DeviceEvent> readBatch() throws IOException;

    /** Writes the payload to the device, which makes one MANUAL event (first 40 bytes). */
    void trigger(byte[] payload) throws IOException;

    /** Timer period in microseconds; 0 when the timer is off. */
    int periodUs() throws IOException;

    void setPeriodUs(int periodUs) throws IOException;

    /** Makes {@code count} BURST events now. */
    void burst(int count) throws IOException;

    /** This reader's counters. */
    DeviceStats stats() throws IOException;

    /** Closes the reader; idempotent. */
    @Override
    void close();
}
