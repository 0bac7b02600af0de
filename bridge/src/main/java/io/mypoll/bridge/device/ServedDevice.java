package io.mypoll.bridge;

import io.mypoll.driver.Device;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** A device the verticle serves, with what the bridge knows of it. Used on the verticle's context. */
final class OpenDevice {
    final Device device;
    final DeviceCounters counters = new DeviceCounters();
    /** Written on the context; read by request handlers on the same context. */
    boolean open = true;
    String closedReason;

    OpenDevice(Device device) {
        this.device = device;
    }

    /** A 503 failure when the device has gone. */
    void requireOpen() {
        if (!open) {
            throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, RequestBody.UNAVAILABLE,
                    "device " + id() + " is closed: " + closedReason);
        }
    }

    String id() {
        return device.id();
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
