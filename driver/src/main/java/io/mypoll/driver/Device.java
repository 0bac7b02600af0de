// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An open device reader: a kernel file descriptor that signals readiness
 * through poll and SIGIO, and the device type's own way of reading and
 * decoding its records. The {@link DeviceLoop} only waits for readiness and
 * calls {@link #read}; everything about the record format lives in the type.
 */
public interface Device extends AutoCloseable {
    /** The bridge's name for the device, as in {@code mypoll.trigger.<id>}. */
    String id();

    /** The device node, or a word for a device with none (the emulator). */
    String path();

    /** The device type: "mypoll", "emulator", ... */
    String kind();

    /** The reader's file descriptor; -1 once closed. */
    int fd();

    /** The {@link DeviceEvent#typeName()} values this type produces, for counters that list each. */
    List<String> eventTypes();

    /**
     * Reads what is queued now, without blocking, with at most {@code maxReads}
     * read() calls, and appends the decoded events to {@code into} in order.
     *
     * @return true when the limit was reached and more may be queued; false after EAGAIN
     * @throws IOException when the device has gone (end of file, or a read error); the
     *                     events read before it are in {@code into}
     */
    boolean read(int maxReads, List<DeviceEvent> into) throws IOException;

    /**
     * Whether O_ASYNC on its fd raises a signal (the driver has {@code .fasync}). One that does not is
     * polled by the loop in either notify mode.
     */
    default boolean signals() {
        return true;
    }

    /**
     * Whether a reader waiting on its fd is woken when the device goes away (POLLHUP, an error, a signal).
     * For one that is not, the owner asks the loop to {@link DeviceLoop#readSoon read} it when its node
     * goes, and the read's error closes it.
     */
    default boolean reportsRemoval() {
        return true;
    }

    /** Everything queued now, through the same read path as the loop. */
    default List<DeviceEvent> readAvailable() throws IOException {
        List<DeviceEvent> events = new ArrayList<>();
        while (read(Integer.MAX_VALUE, events)) {
            // read() stops only at EAGAIN with this limit; the loop is for form.
        }
        return events;
    }

    /** Closes the reader; idempotent. */
    @Override
    void close();
}
