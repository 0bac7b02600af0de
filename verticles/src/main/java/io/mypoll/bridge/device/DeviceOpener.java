package io.mypoll.bridge.device;

import io.mypoll.bridge.config.BridgeConfig.DeviceConfig;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.contract.Defaults;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.driver.Device;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.evdev.InputCodes;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.MypollDevice;
import io.mypoll.driver.rtc.RtcDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured device: its type's class, the real mypoll device or the emulator for type "auto". */
public final class DeviceOpener {
    private static final System.Logger LOG = System.getLogger(DeviceOpener.class.getName());
    /** Where input devices found by name are looked for. */
    static final Path INPUT_DEVICES = Path.of("/dev/input");

    private DeviceOpener() {
    }

    /** The opened device; a ConfigException naming the device when it cannot be opened. */
    public static Device open(DeviceConfig config) {
        String type = config.type();
        if (type.equals(DeviceConfig.AUTO)) {
            Path node = Path.of(config.path());
            if (Files.exists(node) && Files.isReadable(node)) {
                type = DeviceConfig.MYPOLL;
                LOG.log(System.Logger.Level.INFO, "device {0}: type auto uses the real device {1}", config.id(),
                        config.path());
            } else {
                type = DeviceConfig.EMULATOR;
                LOG.log(System.Logger.Level.INFO, "device {0}: type auto uses the emulator ({1} {2})", config.id(),
                        config.path(), Files.exists(node) ? "is not readable" : "does not exist");
            }
        }
        String what = type + " device" + (config.path() != null && !type.equals(DeviceConfig.EMULATOR)
                ? " " + config.path() : config.name() != null ? " named '" + config.name() + "'" : "");
        try {
            return switch (type) {
                case DeviceConfig.MYPOLL -> mypoll(config);
                case DeviceConfig.EVDEV -> evdev(config);
                case DeviceConfig.RTC -> RtcDevice.open(config.id(), config.path(),
                        DeviceConfig.PERIODIC.equals(config.mode()) ? RtcDevice.Mode.PERIODIC : RtcDevice.Mode.UPDATE,
                        config.hz());
                default -> new EmulatedDevice(config.id(), PeriodMs.toMicros(config.periodMs() == null
                        ? Defaults.EMULATOR_PERIOD_MS : config.periodMs()), config.queueLen());
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("devices." + config.id(), "cannot open " + what + ": " + e.getMessage());
        }
    }

    private static Device mypoll(DeviceConfig config) throws IOException {
        MypollDevice mypoll = MypollDevice.open(config.id(), config.path());
        if (config.periodMs() != null) {
            try {
                mypoll.setPeriodUs(PeriodMs.toMicros(config.periodMs()));
            } catch (IOException e) {
                mypoll.close();
                throw e;
            }
        }
        return mypoll;
    }

    private static Device evdev(DeviceConfig config) throws IOException {
        // The kernel's code names are read now rather than at the first frame: that takes a
        // while on a slow CPU, and a keyboard's kernel buffer holds only 64 events meanwhile.
        InputCodes.builtIn();
        return EvdevDevice.open(config.id(), evdevPath(config), config.grab());
    }

    /** The configured path, or the node of the input device with the configured name. */
    private static String evdevPath(DeviceConfig config) throws IOException {
        if (config.path() != null) {
            return config.path();
        }
        String path = EvdevDevice.findByName(INPUT_DEVICES, config.name());
        if (path == null) {
            throw new IOException("no input device in " + INPUT_DEVICES + " has that name");
        }
        return path;
    }
}
