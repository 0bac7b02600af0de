// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

/**
 * One entry of {@code devices}: a record per device type, each with its own keys, defaults and checks
 * ({@code keys()} and {@code from(id, entry)} beside it). Every entry has an {@code id} and a {@code type};
 * {@link DeviceList} reads the list and hands each entry to its type's record.
 */
public sealed interface DeviceSettings
        permits AutoSettings, EmulatorSettings, CallerOpenedSettings, RealDeviceSettings {
    /** A device missing at start ends the start unless it is waited for. */
    boolean DEFAULT_WAIT_FOR_DEVICE = false;

    String id();

    /** The type's name, as configured ("auto", "mypoll", ...). */
    String type();

    /** The device node as configured; null where there is none (evdev found by name, the emulator left without). */
    String path();

    /** A device missing at start is waited for, instead of ending the start ({@link RealDeviceSettings}). */
    default boolean waitForDevice() {
        return false;
    }

    /** Whether a device that goes away is waited for and opened again: a real one ({@link RealDeviceSettings}). */
    default boolean comesBack() {
        return false;
    }
}
