// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

/** What every device type's events share: their order, their time, and what was lost before them. */
public interface DeviceEvent {
    /** The device's count of events, from 1. */
    long seq();

    /** When the device made the event: CLOCK_MONOTONIC nanoseconds. */
    long tsNs();

    /** {@link System#nanoTime()} right after the read() that returned it; the same clock as {@link #tsNs()}. */
    long readNs();

    /** The event's kind in lower case, as on the event bus: "timer", "manual", ... */
    String typeName();

    /** Events the reader lost just before this one (an overrun); 0 for most events. */
    long lost();

    /** Microseconds from generation to read. */
    default double latencyUs() {
        return (readNs() - tsNs()) / 1000.0;
    }
}
