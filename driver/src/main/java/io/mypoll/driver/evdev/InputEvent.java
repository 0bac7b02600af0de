// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

/** One {@code struct input_event} of a frame: what changed ({@code EV_KEY}, {@code KEY_A}) and its value. */
public record InputEvent(int type, int code, int value) {
    /** For EV_KEY: what the value means. */
    public String keyAction() {
        return switch (value) {
            case 0 -> "release";
            case 1 -> "press";
            case 2 -> "repeat";
            default -> Integer.toString(value);
        };
    }
}
