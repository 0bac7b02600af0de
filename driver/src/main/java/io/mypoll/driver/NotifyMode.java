// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

/** How the event loop learns that a device has records. */
public enum NotifyMode {
    /** O_ASYNC: the kernel sends a signal per event, read from a signalfd in the epoll set. */
    SIGIO,
    /** The device fd itself in the epoll set. */
    POLL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "sigio" or "poll"; anything else is an IllegalArgumentException naming the choices. */
    public static NotifyMode parse(String text) {
        for (NotifyMode mode : values()) {
            if (mode.label().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown notify mode '" + text + "' (expected sigio or poll)");
    }
}
