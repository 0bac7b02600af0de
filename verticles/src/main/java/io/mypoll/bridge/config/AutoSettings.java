// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * A device of type {@code auto}, the default: the kernel device when its node exists and is readable when
 * opened, else the emulator. Each key is the one of the type it becomes.
 *
 * @param periodMs the timer period; null: the driver's own, or the emulator's default
 * @param queueLen the emulator's per-reader queue
 */
public record AutoSettings(String id, String path, Double periodMs, int queueLen) implements DeviceSettings {
    public static final String TYPE = "auto";

    @Override
    public String type() {
        return TYPE;
    }

    /** The kernel device at {@code path}. */
    public MypollSettings asMypoll() {
        return new MypollSettings(id, path, periodMs, DEFAULT_WAIT_FOR_DEVICE);
    }

    /** The emulator in its place. */
    public EmulatorSettings asEmulator() {
        return new EmulatorSettings(id, periodMs == null ? EmulatorSettings.DEFAULT_PERIOD_MS : periodMs,
                queueLen);
    }

    /** Its keys besides id and type, each with its default; null: none (path is required). */
    static JsonObject keys() {
        return new JsonObject().putNull("path").putNull("periodMs")
                .put("queueLen", EmulatorSettings.DEFAULT_QUEUE_LEN);
    }

    static AutoSettings from(String id, Section entry) {
        DeviceList.requireKeys(entry, TYPE, keys());
        return new AutoSettings(id, DeviceList.nodePath(entry, TYPE), entry.periodMs("periodMs"),
                EmulatorSettings.queueLen(entry));
    }
}
