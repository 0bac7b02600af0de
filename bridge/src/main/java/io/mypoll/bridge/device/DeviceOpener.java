package io.mypoll.bridge;

import io.mypoll.bridge.BridgeConfig.DeviceConfig;
import io.mypoll.driver.Device;
import io.mypoll.driver.EmulatedDevice;
import io.mypoll.driver.MypollDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured device, choosing the real one or the emulator for type "auto". */
final class DeviceOpener {
    private static final System.Logger LOG = System.getLogger(DeviceOpener.class.getName());
    private static final double DEFAULT_EMULATOR_PERIOD_MS = 1000;

    private DeviceOpener() {
    }

    static Device open(DeviceConfig config) {
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
                device = MypollDevice.open(config.id(), config.path());
                if (config.periodMs() != null) {
                    device.setPeriodUs(periodUs(config.periodMs()));
                }
            } else {
                double periodMs = config.periodMs() == null ? DEFAULT_EMULATOR_PERIOD_MS : config.periodMs();
                device = new EmulatedDevice(config.id(), periodUs(periodMs), config.queueLen());
            }
            return device;
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("devices." + config.id(), "cannot open " + type + " device"
                    + (type.equals(DeviceConfig.MYPOLL) ? " " + config.path() : "") + ": " + e.getMessage());
        }
    }

    static int periodUs(double periodMs) {
        return (int) Math.round(periodMs * 1000);
    }
}
