// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import java.util.List;

/** Receives what a {@link DeviceLoop} reads. Called on the loop thread: return quickly, never wait. */
public interface DeviceListener {
    /**
     * One drained batch of a device's events, in order, never empty. The
     * listener runs {@code handled} exactly once, from any thread, when it is
     * done with the batch: the loop reads a device only while fewer than its
     * budget of batches ({@link DeviceLoop#DEFAULT_BATCHES_IN_FLIGHT}) are
     * unhandled, so a listener that falls behind makes that device wait (and
     * lose events at the device) rather than the loop or the other devices.
     */
    void onEvents(Device device, List<DeviceEvent> batch, Runnable handled);

    /** The device went away (end of file, or a read error); the loop no longer watches it. */
    default void onClosed(Device device, String reason) {
    }
}
