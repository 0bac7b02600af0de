// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

/** The {@code type} field of a record. */
public enum EventType {
    TIMER(1), MANUAL(2), BURST(3), OVERRUN(4);

    private final int code;

    EventType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used on the event bus: "timer", "manual", ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static EventType of(int code) {
        return switch (code) {
            case 1 -> TIMER;
            case 2 -> MANUAL;
            case 3 -> BURST;
            case 4 -> OVERRUN;
            default -> throw new IllegalArgumentException("unknown event type " + code);
        };
    }
}
