// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.mypoll.driver.DeviceEvent;
import java.util.Collections;
import java.util.List;

/**
 * The body of {@code mypoll.events.local}: the events of one read of one
 * device of this node, in order, as the device's own types decoded them
 * ({@code MypollEvent}, {@code InputFrame}, {@code RtcDevice.RtcTick}). Immutable: every
 * local consumer gets the same instance, with no copy and no JSON.
 *
 * @param device the device's id, as in {@code mypoll.trigger.<device>}
 * @param node   this node's name
 * @param events the read's events, never empty; each has its {@code seq} and
 *               CLOCK_MONOTONIC {@code tsNs}
 */
public record EventBatch(String device, String node, List<DeviceEvent> events) {
    /** Takes the list as it is, unmodifiable: its maker must not change it afterwards. */
    public EventBatch {
        events = Collections.unmodifiableList(events);
    }

    /** The seq of the batch's first event. */
    public long firstSeq() {
        return events.get(0).seq();
    }

    /** The seq of the batch's last event. */
    public long lastSeq() {
        return events.get(events.size() - 1).seq();
    }
}
