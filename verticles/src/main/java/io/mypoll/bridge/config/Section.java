// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.bridge.contract.PeriodMs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * One object of the settings, read with its full key in every error:
 * {@code http} gives "http.port: must be from 0 to 65535, not 70000".
 */
final class Section {
    private final JsonObject json;
    private final String prefix;

    Section(JsonObject json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    String key(String name) {
        return prefix + name;
    }

    Section object(String name) {
        Object value = json.getValue(name, new JsonObject());
        if (!(value instanceof JsonObject o)) {
            throw new ConfigException(key(name), "must be an object, not " + value);
        }
        return new Section(o, key(name) + ".");
    }

    Object value(String name) {
        return json.getValue(name);
    }

    /** The keys present. */
    Set<String> names() {
        return json.fieldNames();
    }

    /** The text, or null when missing or empty. */
    String text(String name, String fallback) {
        Object value = json.getValue(name, fallback);
        if (value != null && !(value instanceof String)) {
            throw new ConfigException(key(name), "must be a string, not " + value);
        }
        return value == null || ((String) value).isBlank() ? null : (String) value;
    }

    boolean flag(String name, boolean fallback) {
        Object value = json.getValue(name, fallback);
        if (!(value instanceof Boolean b)) {
            throw new ConfigException(key(name), "must be true or false, not " + value);
        }
        return b;
    }

    long number(String name, long fallback, long min, long max) {
        Object value = json.getValue(name, fallback);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException(key(name), "must be a whole number, not " + value);
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw new ConfigException(key(name), "must be from " + min + " to " + max + ", not " + v);
        }
        return v;
    }

    /** A list of texts, as a JSON list or one comma-separated string (handy in environment variables). */
    List<String> texts(String name, String what, String example) {
        Object value = json.getValue(name, new JsonArray());
        if (value instanceof String text) {
            return List.of(text.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        if (value instanceof JsonArray array && array.stream().allMatch(o -> o instanceof String)) {
            return array.stream().map(o -> ((String) o).trim()).toList();
        }
        throw new ConfigException(key(name), "must be a list of " + what + " such as " + example + ", not " + value);
    }

    /** A timer period in ms ({@link PeriodMs}), or null when missing. */
    Double periodMs(String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return null;
        }
        try {
            return PeriodMs.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key(name), e.getMessage());
        }
    }
}
