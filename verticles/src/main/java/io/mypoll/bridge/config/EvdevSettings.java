// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * A device of type {@code evdev}: a Linux input device, given by its node or by its name.
 *
 * @param path  the device node; null when found by {@code name}
 * @param name  the input device's name (EVIOCGNAME), or null when given by path
 * @param grab  take the device for this reader alone (EVIOCGRAB)
 */
public record EvdevSettings(String id, String path, String name, boolean grab, boolean waitForDevice)
        implements RealDeviceSettings {
    public static final String TYPE = "evdev";
    /** Shared: other readers (the console, a desktop) still see the keys. */
    public static final boolean DEFAULT_GRAB = false;

    @Override
    public String type() {
        return TYPE;
    }

    /** Its keys besides id and type, each with its default; null: none (path or name is required). */
    static JsonObject keys() {
        return new JsonObject().putNull("path").putNull("name").put("grab", DEFAULT_GRAB)
                .put("waitForDevice", DEFAULT_WAIT_FOR_DEVICE);
    }

    static EvdevSettings from(String id, Section entry) {
        DeviceList.requireKeys(entry, TYPE, keys());
        String path = entry.text("path", null);
        String name = entry.text("name", null);
        if ((path == null) == (name == null)) {
            throw new ConfigException(entry.key("path"), "a device of type evdev needs its path or its name "
                    + "(one of them)");
        }
        return new EvdevSettings(id, path, name, entry.flag("grab", DEFAULT_GRAB),
                entry.flag("waitForDevice", DEFAULT_WAIT_FOR_DEVICE));
    }
}
