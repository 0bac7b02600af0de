// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.bridge.contract.DeviceId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The {@code devices} key: a list of entries, each with a unique {@code id} and a {@code type} whose record
 * reads the rest ({@link DeviceSettings}).
 */
final class DeviceList {
    /** The default list: one device of type auto, the kernel device when loaded, else the emulator. */
    static final String DEFAULT_ID = "mypoll";
    static final String DEFAULT_PATH = "/dev/mypoll";
    /** An entry without a type. */
    static final String DEFAULT_TYPE = AutoSettings.TYPE;

    /**
     * A device type: its name, its keys besides id and type with their defaults (null: none), and its reader.
     * The one place where a type's name leads to its record.
     */
    record DeviceType(String name, Supplier<JsonObject> keys, BiFunction<String, Section, DeviceSettings> reader) {
    }

    /** Every type, in the order the docs list them. */
    static final List<DeviceType> TYPES = List.of(
            new DeviceType(AutoSettings.TYPE, AutoSettings::keys, AutoSettings::from),
            new DeviceType(MypollSettings.TYPE, MypollSettings::keys, MypollSettings::from),
            new DeviceType(EmulatorSettings.TYPE, EmulatorSettings::keys, EmulatorSettings::from),
            new DeviceType(EvdevSettings.TYPE, EvdevSettings::keys, EvdevSettings::from),
            new DeviceType(RtcSettings.TYPE, RtcSettings::keys, RtcSettings::from),
            new DeviceType(GpioSettings.TYPE, GpioSettings::keys, GpioSettings::from));

    /** The keys every entry has: id (no default, required) and type. */
    static JsonObject commonKeys() {
        return new JsonObject().putNull("id").put("type", DEFAULT_TYPE);
    }

    private DeviceList() {
    }

    static JsonArray defaults() {
        return new JsonArray().add(new JsonObject().put("id", DEFAULT_ID).put("type", DEFAULT_TYPE)
                .put("path", DEFAULT_PATH));
    }

    static List<DeviceSettings> from(Object value) {
        if (!(value instanceof JsonArray array)) {
            throw new ConfigException("devices", "must be a list of devices, not " + value);
        }
        List<DeviceSettings> devices = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String key = "devices[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject json)) {
                throw new ConfigException(key, "must be an object");
            }
            Section entry = new Section(json, key + ".");
            DeviceType type = type(entry);
            String id = entry.text("id", null);
            if (!DeviceId.valid(id)) {
                throw new ConfigException(entry.key("id"), "must be 1 to 64 letters, digits, '-' or '_', not " + id);
            }
            if (!ids.add(id)) {
                throw new ConfigException(entry.key("id"), "'" + id + "' is used twice");
            }
            devices.add(type.reader().apply(id, entry));
        }
        return List.copyOf(devices);
    }

    private static DeviceType type(Section entry) {
        String name = entry.text("type", DEFAULT_TYPE);
        return TYPES.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException(entry.key("type"), "unknown type '" + name + "' (expected "
                        + TYPES.stream().map(DeviceType::name).limit(TYPES.size() - 1).collect(Collectors.joining(", "))
                        + " or " + TYPES.get(TYPES.size() - 1).name() + ")"));
    }

    /** Each key of the entry must be one its type takes: another type's key would be ignored without a word. */
    static void requireKeys(Section entry, String type, JsonObject keys) {
        Set<String> known = new TreeSet<>(keys.fieldNames());
        known.addAll(commonKeys().fieldNames());
        for (String name : entry.names()) {
            if (!known.contains(name)) {
                throw new ConfigException(entry.key(name), "unknown key for type " + type + " (known here: "
                        + String.join(", ", known) + ")");
            }
        }
    }

    /** The required path of a device node. */
    static String nodePath(Section entry, String type) {
        String path = entry.text("path", null);
        if (path == null) {
            throw new ConfigException(entry.key("path"), "a device of type " + type + " needs the path of its node");
        }
        return path;
    }
}
