// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.json.JsonObject;

/**
 * A device of type {@code emulator}: the kernel device's emulation in user space, which needs no module.
 *
 * @param periodMs its timer's period, 0 for none
 * @param queueLen its per-reader queue, a power of two
 */
public record EmulatorSettings(String id, double periodMs, int queueLen) implements DeviceSettings {
    public static final String TYPE = "emulator";
    /** The emulator's timer; the kernel device keeps its own unless periodMs is set. */
    public static final double DEFAULT_PERIOD_MS = 1000;
    /** As the kernel module's queue_len. */
    public static final int DEFAULT_QUEUE_LEN = 1024;

    @Override
    public String type() {
        return TYPE;
    }

    /** None: the emulator is a socket pair, not a node. */
    @Override
    public String path() {
        return null;
    }

    /** Its keys besides id and type, each with its default; null: none. */
    static JsonObject keys() {
        return new JsonObject().put("periodMs", DEFAULT_PERIOD_MS)
                .put("queueLen", DEFAULT_QUEUE_LEN);
    }

    static EmulatorSettings from(String id, Section entry) {
        if (entry.value("path") != null) {
            throw new ConfigException(entry.key("path"), "not a key of type emulator: the emulator has no device "
                    + "node (type auto takes a path and falls back to the emulator)");
        }
        DeviceList.requireKeys(entry, TYPE, keys());
        Double periodMs = entry.periodMs("periodMs");
        return new EmulatorSettings(id, periodMs == null ? DEFAULT_PERIOD_MS : periodMs, queueLen(entry));
    }

    /** {@code queueLen}: a power of two the emulator takes. */
    static int queueLen(Section entry) {
        long queueLen = entry.number("queueLen", DEFAULT_QUEUE_LEN, 1, EmulatedDevice.MAX_QUEUE_LEN);
        if (Long.bitCount(queueLen) != 1) {
            throw new ConfigException(entry.key("queueLen"), "must be a power of two, not " + queueLen);
        }
        return (int) queueLen;
    }
}
