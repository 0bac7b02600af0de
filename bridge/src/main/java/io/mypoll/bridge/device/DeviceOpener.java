package io.mypoll.bridge.device;

import io.mypoll.bridge.config.BridgeConfig.DeviceConfig;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.contract.Defaults;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.MypollDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured device, choosing the real one or the emulator for type "auto". */
public final class DeviceOpener {
    private static final System.Logger LOG = System.getLogger(DeviceOpener.class.getName());

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
        try {
            Device device;
            if (type.equals(DeviceConfig.MYPOLL)) {
                MypollDevice mypoll = MypollDevice.open(config.id(), config.path());
                device = mypoll;
                if (config.periodMs() != null) {
                    mypoll.setPeriodUs(PeriodMs.toMicros(config.periodMs()));
                }
            } else {
                double periodMs = config.periodMs() == null ? Defaults.EMULATOR_PERIOD_MS : config.periodMs();
                device = new EmulatedDevice(config.id(), PeriodMs.toMicros(periodMs), config.queueLen());
            }
            return device;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("devices." + config.id(), "cannot open " + type + " device"
                    + (type.equals(DeviceConfig.MYPOLL) ? " " + config.path() : "") + ": " + e.getMessage());
        }
    }
}
