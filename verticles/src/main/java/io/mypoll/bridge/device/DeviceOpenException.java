// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

/**
 * A configured device that cannot be opened now: its node is missing or unreadable, or its driver refused.
 * At start it ends the start (unless the device is waited for); while a device is waited for, it means
 * "not back yet". The message names the device: {@code devices.<id>: cannot open ...}.
 */
public final class DeviceOpenException extends RuntimeException {
    public DeviceOpenException(String id, String problem) {
        super("devices." + id + ": " + problem);
    }
}
