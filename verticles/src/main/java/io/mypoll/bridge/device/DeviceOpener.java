// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.config.AutoSettings;
import io.mypoll.bridge.config.CallerOpenedSettings;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.config.EmulatorSettings;
import io.mypoll.bridge.config.EvdevSettings;
import io.mypoll.bridge.config.GpioSettings;
import io.mypoll.bridge.config.MypollSettings;
import io.mypoll.bridge.config.RtcSettings;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.driver.Device;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.evdev.InputCodes;
import io.mypoll.driver.gpio.GpioDevice;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.MypollDevice;
import io.mypoll.driver.rtc.RtcDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured device with its type's class: type auto becomes the real mypoll device or the emulator. */
public final class DeviceOpener {
    private static final System.Logger LOG = System.getLogger(DeviceOpener.class.getName());
    /** Where input devices found by name are looked for. */
    static final Path INPUT_DEVICES = Path.of("/dev/input");
    /** What the kernel shows as the user of the bridge's GPIO lines (gpioinfo), with the device's id. */
    static final String CONSUMER = "mypoll-bridge";

    private DeviceOpener() {
    }

    /** The opened device; a {@link DeviceOpenException} naming the device when it cannot be opened now. */
    public static Device open(DeviceSettings settings) {
        if (settings instanceof AutoSettings auto) {
            return open(resolve(auto));
        }
        try {
            // One branch per record of the sealed DeviceSettings (a pattern switch, from Java 21 on).
            if (settings instanceof MypollSettings mypoll) {
                return mypoll(mypoll);
            } else if (settings instanceof EmulatorSettings emulator) {
                return new EmulatedDevice(emulator.id(), PeriodMs.toMicros(emulator.periodMs()), emulator.queueLen());
            } else if (settings instanceof EvdevSettings evdev) {
                return evdev(evdev);
            } else if (settings instanceof RtcSettings rtc) {
                return RtcDevice.open(rtc.id(), rtc.path(), rtc.mode(), rtc.hz());
            } else if (settings instanceof GpioSettings gpio) {
                return GpioDevice.open(gpio.id(), gpio.chip(), gpio.lines(), gpio.eventBufferSize(),
                        CONSUMER + " " + gpio.id());
            } else if (settings instanceof CallerOpenedSettings) {
                throw new IOException("a device opened by the caller is not opened again");
            }
            throw new IllegalStateException("no opener for " + settings);
        } catch (IOException | IllegalArgumentException e) {
            throw new DeviceOpenException(settings.id(), "cannot open " + describe(settings) + ": " + e.getMessage());
        }
    }

    /** The kernel device when its node is there and readable, else the emulator; the log says which. */
    private static DeviceSettings resolve(AutoSettings auto) {
        Path node = Path.of(auto.path());
        if (Files.exists(node) && Files.isReadable(node)) {
            LOG.log(System.Logger.Level.INFO, "device {0}: type auto uses the real device {1}", auto.id(),
                    auto.path());
            return auto.asMypoll();
        }
        LOG.log(System.Logger.Level.INFO, "device {0}: type auto uses the emulator ({1} {2})", auto.id(),
                auto.path(), Files.exists(node) ? "is not readable" : "does not exist");
        return auto.asEmulator();
    }

    /** "mypoll device /dev/mypoll", "evdev device named 'Scanner'", "emulator device". */
    private static String describe(DeviceSettings settings) {
        String what = settings.type() + " device";
        if (settings.path() != null) {
            return what + " " + settings.path();
        }
        if (settings instanceof GpioSettings gpio) {
            return what + " on the chip labelled '" + gpio.chip() + "'";
        }
        return settings instanceof EvdevSettings evdev ? what + " named '" + evdev.name() + "'" : what;
    }

    /**
     * The directory whose changes may bring the device back: its node's, or for a device found by name or
     * label, where those are looked for.
     */
    static Path directoryOf(DeviceSettings settings) {
        if (settings.path() != null) {
            return Path.of(settings.path()).toAbsolutePath().getParent();
        }
        return settings instanceof GpioSettings ? GpioDevice.CHIPS : INPUT_DEVICES;
    }

    private static Device mypoll(MypollSettings settings) throws IOException {
        MypollDevice mypoll = MypollDevice.open(settings.id(), settings.path());
        if (settings.periodMs() != null) {
            try {
                mypoll.setPeriodUs(PeriodMs.toMicros(settings.periodMs()));
            } catch (IOException e) {
                mypoll.close();
                throw e;
            }
        }
        return mypoll;
    }

    private static Device evdev(EvdevSettings settings) throws IOException {
        // The kernel's code names are read now rather than at the first frame: that takes a
        // while on a slow CPU, and a keyboard's kernel buffer holds only 64 events meanwhile.
        InputCodes.builtIn();
        return EvdevDevice.open(settings.id(), evdevPath(settings), settings.grab());
    }

    /** The configured path, or the node of the input device with the configured name. */
    private static String evdevPath(EvdevSettings settings) throws IOException {
        if (settings.path() != null) {
            return settings.path();
        }
        String path = EvdevDevice.findByName(INPUT_DEVICES, settings.name());
        if (path == null) {
            throw new IOException("no input device in " + INPUT_DEVICES + " has that name");
        }
        return path;
    }
}
