// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * A device of type {@code mypoll}: the project's kernel device.
 *
 * @param periodMs the timer period to set at each open; null keeps the driver's own
 */
public record MypollSettings(String id, String path, Double periodMs, boolean waitForDevice)
        implements RealDeviceSettings {
    public static final String TYPE = "mypoll";

    @Override
    public String type() {
        return TYPE;
    }

    /** Its keys besides id and type, each with its default; null: none (path is required). */
    static JsonObject keys() {
        return new JsonObject().putNull("path").putNull("periodMs").put("waitForDevice", DEFAULT_WAIT_FOR_DEVICE);
    }

    static MypollSettings from(String id, Section entry) {
        if (entry.value("queueLen") != null) {
            // The emulator's key: refused here rather than taken and ignored.
            throw new ConfigException(entry.key("queueLen"), "not a key of type mypoll: the kernel device's queue "
                    + "is set by the module's queue_len parameter, not by the bridge");
        }
        DeviceList.requireKeys(entry, TYPE, keys());
        return new MypollSettings(id, DeviceList.nodePath(entry, TYPE), entry.periodMs("periodMs"),
                entry.flag("waitForDevice", DEFAULT_WAIT_FOR_DEVICE));
    }
}
