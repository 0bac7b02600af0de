package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.ReplyCodes;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.json.JsonObject;

/**
 * A device this node serves, with what the bridge knows of it. Used on the
 * device verticle's context only: the loop thread reaches it through that
 * context, never directly.
 */
final class ServedDevice {
    final Device device;
    final DeviceCounters counters;
    /** False once the device went away; closedReason says why. */
    boolean open = true;
    String closedReason;

    ServedDevice(Device device) {
        this.device = device;
        this.counters = new DeviceCounters(device.eventTypes());
    }

    String id() {
        return device.id();
    }

    /** A 503 failure when the device has gone. */
    void requireOpen() {
        if (!open) {
            throw ReplyCodes.unavailable("device " + id() + " is closed: " + closedReason);
        }
    }

    /** The device's triggers, timer and counters; a 400 failure for a type that has none. */
    MypollControl control() {
        if (device instanceof MypollControl control) {
            return control;
        }
        throw ReplyCodes.badRequest("device " + id() + " of type " + device.kind() + " takes no requests");
    }

    /** The entry of {@code mypoll.devices}. */
    JsonObject describe(String node, String mode) {
        return new JsonObject()
                .put("id", device.id())
                .put("node", node)
                .put("type", device.kind())
                .put("path", device.path())
                .put("mode", mode)
                .put("open", open)
                .put("closedReason", closedReason);
    }
}
