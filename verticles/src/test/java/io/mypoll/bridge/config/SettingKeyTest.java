// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The list of keys that the docs are checked against is the parser's own. */
class SettingKeyTest {
    private static final List<String> TYPES = List.of("auto", "mypoll", "emulator", "evdev", "rtc");

    private static SettingKey key(String section, String key) {
        return SettingKey.all().stream().filter(k -> k.section().equals(section) && k.key().equals(key))
                .findFirst().orElseThrow(() -> new AssertionError(key + " not listed in section '" + section + "'"));
    }

    private static Set<String> keysOf(String section) {
        return new TreeSet<>(SettingKey.all().stream().filter(k -> k.section().equals(section))
                .map(SettingKey::key).toList());
    }

    @Test
    void aSectionsKeyIsListedDottedWithItsDefault() {
        assertEquals(new SettingKey("http", "http.port", HttpOptions.DEFAULT_PORT), key("http", "http.port"));
        assertEquals(new SettingKey("http.tls", "http.tls.certFile", ""), key("http.tls", "http.tls.certFile"));
        assertEquals(new SettingKey("", "logEvents", true), key("", "logEvents"));
        assertEquals(new SettingKey("bridge", "bridge.allowControl", false), key("bridge", "bridge.allowControl"));
    }

    @Test
    void everyTopLevelKeyOfTheDefaultsIsListedOrHasItsKeysListed() {
        for (String top : BridgeConfig.defaults().fieldNames()) {
            assertTrue(SettingKey.all().stream().anyMatch(k -> k.key().equals(top) || k.key().startsWith(top + ".")),
                    top);
        }
    }

    @Test
    void theDeviceListIsOneKeyWhoseDefaultIsOneAutoDevice() {
        assertEquals(new JsonArray().add(new JsonObject().put("id", "mypoll").put("type", "auto")
                .put("path", "/dev/mypoll")), key("", "devices").defaultValue());
    }

    @Test
    void everyDeviceEntryHasARequiredIdAndATypeThatIsAutoByDefault() {
        assertNull(key("devices[]", "devices[].id").defaultValue());
        assertEquals("auto", key("devices[]", "devices[].type").defaultValue());
    }

    @Test
    void eachDeviceTypeListsItsOwnKeysWithTheirDefaults() {
        assertEquals(Set.of("devices[].path", "devices[].periodMs", "devices[].waitForDevice"),
                keysOf("devices[type=mypoll]"));
        assertEquals(Set.of("devices[].periodMs", "devices[].queueLen"), keysOf("devices[type=emulator]"));
        assertEquals(1024, key("devices[type=emulator]", "devices[].queueLen").defaultValue());
        assertEquals("update", key("devices[type=rtc]", "devices[].mode").defaultValue());
        assertNull(key("devices[type=auto]", "devices[].path").defaultValue(), "required");
    }

    /** A key is listed for a type exactly when that type's parser takes it: every other type's key is refused. */
    @Test
    void aKeyNotListedForADeviceTypeIsRefusedByIt() {
        Set<String> all = new TreeSet<>();
        TYPES.forEach(t -> all.addAll(keysOf("devices[type=" + t + "]")));
        int refused = 0;
        for (String type : TYPES) {
            Set<String> own = keysOf("devices[type=" + type + "]");
            for (String key : all) {
                if (own.contains(key)) {
                    continue;
                }
                String name = key.substring("devices[].".length());
                JsonObject entry = new JsonObject().put("id", "d").put("type", type);
                if (own.contains("devices[].path")) {
                    entry.put("path", "/dev/x");
                }
                entry.put(name, 1);
                String message = assertThrows(ConfigException.class, () -> BridgeConfig.from(new JsonObject()
                        .put("devices", new JsonArray().add(entry)))).getMessage();
                assertTrue(message.startsWith("devices[0]." + name + ": "), type + ": " + message);
                refused++;
            }
        }
        assertTrue(refused >= 10, "tried " + refused + " keys");
    }

    @Test
    void everyListedDeviceKeyIsTakenByItsType() {
        JsonObject full = new JsonObject().put("path", "/dev/x").put("periodMs", 5).put("queueLen", 64)
                .put("waitForDevice", true).put("grab", true).put("mode", "periodic").put("hz", 64);
        for (String type : TYPES) {
            JsonObject entry = new JsonObject().put("id", "d").put("type", type);
            keysOf("devices[type=" + type + "]").stream().map(k -> k.substring("devices[].".length()))
                    .filter(full::containsKey).forEach(k -> entry.put(k, full.getValue(k)));
            assertEquals(type, BridgeConfig.from(new JsonObject().put("devices", new JsonArray().add(entry)))
                    .devices().get(0).type(), entry.encode());
        }
    }

    @Test
    void aSettingIsOverriddenByItsVariableAndProperty() {
        SettingKey port = key("http", "http.port");
        assertEquals("MYPOLL_HTTP_PORT", port.environmentVariable());
        assertEquals("mypoll.http.port", port.systemProperty());
        assertNull(key("devices[type=mypoll]", "devices[].path").environmentVariable(), "only with MYPOLL_DEVICES");
    }

    @Test
    void everyListedVariableAndPropertyIsAnAcceptedOverride() {
        Set<String> variables = new TreeSet<>();
        Set<String> properties = new TreeSet<>();
        SettingKey.all().stream().filter(k -> k.environmentVariable() != null).forEach(k -> {
            variables.add(k.environmentVariable());
            properties.add(k.systemProperty());
        });
        assertFalse(variables.isEmpty());
        OverrideNames.check(variables, properties, BridgeConfig.defaults());
    }
}
