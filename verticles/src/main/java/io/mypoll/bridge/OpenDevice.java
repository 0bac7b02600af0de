package io.mypoll.bridge;

import io.mypoll.driver.Device;
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
