// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A key the configuration takes, read from the declarations the parser checks keys against: the
 * {@link BridgeConfig#defaults()} tree, and each device type's keys. A key the parser takes is listed here,
 * and only those; the docs' list of keys is checked against this one.
 *
 * @param section      where the key is: "" for the top level, "http", "http.tls", ...; for a device entry
 *                     {@code devices[]} (every type's keys) or {@code devices[type=mypoll]} (one type's)
 * @param key          dotted from the top, as in a file: {@code http.port}, {@code devices[].path}
 * @param defaultValue its default as a JSON value (a String, Number, Boolean, JsonArray); null where there
 *                     is none (a required key, or one whose absence means something else: see the docs)
 */
public record SettingKey(String section, String key, Object defaultValue) {
    private static final String DEVICE = "devices[].";
    private static final String LINE = DEVICE + "lines[].";

    /** Every key: the tree's, in its order, then the device entries' common keys, then each type's. */
    public static List<SettingKey> all() {
        List<SettingKey> keys = new ArrayList<>();
        tree(BridgeConfig.defaults(), "", keys);
        entry(DeviceList.commonKeys(), "devices[]", keys);
        for (DeviceList.DeviceType type : DeviceList.TYPES) {
            entry(type.keys().get(), "devices[type=" + type.name() + "]", keys);
        }
        // The keys of each entry of a gpio device's lines.
        GpioSettings.lineKeys().forEach(e -> keys.add(new SettingKey("devices[type=gpio]",
                LINE + e.getKey(), e.getValue())));
        return List.copyOf(keys);
    }

    /** The keys that environment variables and system properties set: the defaults tree's, not the devices'. */
    static List<String> overridable() {
        List<SettingKey> keys = new ArrayList<>();
        tree(BridgeConfig.defaults(), "", keys);
        return keys.stream().map(SettingKey::key).toList();
    }

    /**
     * The environment variable that sets it ({@code MYPOLL_HTTP_PORT}); null for a device entry's key,
     * which is set only with the whole list ({@code MYPOLL_DEVICES}).
     */
    public String environmentVariable() {
        return key.startsWith(DEVICE) ? null : ConfigLoader.envName(key);
    }

    /** The system property that sets it ({@code mypoll.http.port}); null for a device entry's key. */
    public String systemProperty() {
        return key.startsWith(DEVICE) ? null : OverrideNames.SYS_PREFIX + key;
    }

    private static void tree(JsonObject section, String path, List<SettingKey> keys) {
        section.forEach(e -> {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue() instanceof JsonObject child) {
                tree(child, key, keys);
            } else {
                keys.add(new SettingKey(path, key, e.getValue()));
            }
        });
    }

    private static void entry(JsonObject entryKeys, String section, List<SettingKey> keys) {
        entryKeys.forEach(e -> keys.add(new SettingKey(section, DEVICE + e.getKey(), e.getValue())));
    }
}
