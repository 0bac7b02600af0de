// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.config.AutoSettings;
import io.mypoll.bridge.config.CallerOpenedSettings;
import io.mypoll.bridge.config.MypollSettings;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.EmulatedDevice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each device type's settings open that type's device; a device that cannot be opened says which. */
class DeviceOpenerTest {

    @Test
    void anAutoDeviceWithoutItsNodeIsTheEmulatorWithItsPeriodAndQueue(@TempDir Path dir) throws Exception {
        try (Device device = DeviceOpener.open(new AutoSettings("a", dir.resolve("mypoll").toString(), 2.5, 64))) {
            EmulatedDevice emulator = assertInstanceOf(EmulatedDevice.class, device);
            assertEquals(64, emulator.stats().capacity());
            assertEquals(2500, emulator.stats().periodUs());
        }
    }

    @Test
    void anAutoDeviceWithoutPeriodRunsTheEmulatorsDefaultTimer(@TempDir Path dir) throws Exception {
        try (Device device = DeviceOpener.open(new AutoSettings("a", dir.resolve("mypoll").toString(), null, 1024))) {
            assertEquals(1_000_000, ((EmulatedDevice) device).stats().periodUs());
        }
    }

    @Test
    void aMissingNodeIsADeviceOpenFailureNamingTheDeviceAndItsNode(@TempDir Path dir) {
        String node = dir.resolve("mypoll").toString();
        DeviceOpenException e = assertThrows(DeviceOpenException.class,
                () -> DeviceOpener.open(new MypollSettings("m", node, null, false)));
        assertTrue(e.getMessage().startsWith("devices.m: cannot open mypoll device " + node + ": "), e.getMessage());
    }

    @Test
    void aDeviceTheCallerOpenedIsNotOpenedAgain() {
        DeviceOpenException e = assertThrows(DeviceOpenException.class,
                () -> DeviceOpener.open(new CallerOpenedSettings("k", "evdev", "/dev/input/event3")));
        assertEquals("devices.k: cannot open evdev device /dev/input/event3: a device opened by the caller is not "
                + "opened again", e.getMessage());
    }
}
