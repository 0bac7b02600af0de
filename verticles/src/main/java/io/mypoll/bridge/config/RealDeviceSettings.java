// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

/**
 * A device with a node of its own (mypoll, evdev, rtc, gpio): it can be missing at start and be waited for, and
 * when it goes away (unplugged, its driver unbound) it is waited for and opened again.
 */
public sealed interface RealDeviceSettings extends DeviceSettings permits MypollSettings, EvdevSettings, RtcSettings,
        GpioSettings {
    @Override
    boolean waitForDevice();

    @Override
    default boolean comesBack() {
        return true;
    }
}
