// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import java.util.List;

/** Receives what a {@link DeviceLoop} reads. Called on the loop thread: return quickly. */
public interface DeviceListener {
    /** One drained batch of a device's events, in order, never empty. */
    void onEvents(Device device, List<DeviceEvent> batch);

    /** The device went away (end of file, or a read error); the loop no longer watches it. */
    default void onClosed(Device device, String reason) {
    }
}
