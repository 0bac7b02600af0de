// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.driver.rtc.RtcDevice;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A device of type {@code rtc}: a real-time clock's interrupts.
 *
 * @param mode update (once a second) or periodic ({@code hz} times a second)
 * @param hz   the periodic interrupt's rate, a power of two; 0 in update mode
 */
public record RtcSettings(String id, String path, RtcDevice.Mode mode, int hz, boolean waitForDevice)
        implements RealDeviceSettings {
    public static final String TYPE = "rtc";
    public static final String DEFAULT_MODE = "update";

    @Override
    public String type() {
        return TYPE;
    }

    /** Its keys besides id and type, each with its default; null: none (path is required, hz in periodic mode). */
    static JsonObject keys() {
        return new JsonObject().putNull("path").put("mode", DEFAULT_MODE).putNull("hz")
                .put("waitForDevice", DEFAULT_WAIT_FOR_DEVICE);
    }

    static RtcSettings from(String id, Section entry) {
        DeviceList.requireKeys(entry, TYPE, keys());
        String path = DeviceList.nodePath(entry, TYPE);
        String mode = entry.text("mode", DEFAULT_MODE);
        if (!"update".equals(mode) && !"periodic".equals(mode)) {
            throw new ConfigException(entry.key("mode"), "must be update or periodic, not " + mode);
        }
        int hz = 0;
        if (mode.equals(DEFAULT_MODE) && entry.value("hz") != null) {
            throw new ConfigException(entry.key("hz"), "only for mode periodic: mode update interrupts once a second");
        }
        if (mode.equals("periodic")) {
            if (entry.value("hz") == null) {
                throw new ConfigException(entry.key("hz"), "a device in periodic mode needs hz, a power of two "
                        + "from 2 to 8192");
            }
            hz = (int) entry.number("hz", 0, 2, 8192);
            if (Integer.bitCount(hz) != 1) {
                throw new ConfigException(entry.key("hz"), "must be a power of two from 2 to 8192, not " + hz);
            }
        }
        return new RtcSettings(id, path, RtcDevice.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), hz,
                entry.flag("waitForDevice", DEFAULT_WAIT_FOR_DEVICE));
    }
}
