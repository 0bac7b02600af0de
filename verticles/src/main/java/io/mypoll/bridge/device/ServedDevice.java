// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.config.EvdevSettings;
import io.mypoll.bridge.config.GpioSettings;
import io.mypoll.bridge.config.MypollSettings;
import io.mypoll.bridge.contract.ReplyCodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.gpio.GpioDevice;
import io.mypoll.driver.mypoll.DeviceStats;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A device this node serves, with what the bridge knows of it. A device that
 * went away stays served, closed, and takes its new reader when it is back.
 * Used on the device verticle's context only: the loop thread reaches it
 * through that context, never directly.
 */
final class ServedDevice {
    final DeviceSettings config;
    final DeviceCounters counters;
    /** Null without metrics. */
    final DeviceMeters meters;
    final DeviceHistory history;
    /**
     * The open reader; the last one while closed, null while waited for at
     * start. Written on the context; volatile for the metrics' pause count.
     */
    volatile Device device;
    /** The loop that reads it, set once at start; null before. Read by metrics. */
    private volatile DeviceLoop loop;
    /** False once the device went away (or while it is waited for); closedReason says why. Read by metrics. */
    volatile boolean open;
    String closedReason;
    /** Times the device came back and was opened again. Read by metrics. */
    volatile int reopens;
    /** The driver's own counters as last read; null before, and for types without them. Read by metrics. */
    volatile DeviceStats driverStats;
    /** Whether a GPIO device's outputs may be set here: its own allowTriggers, or bridge.allowControl. */
    private boolean outputsAllowed;
    /** When {@code open} last changed (or the device was first opened or waited for). */
    Instant since = Instant.now();

    /** A device with no meters and the default history. */
    ServedDevice(DeviceSettings config, Device device) {
        this(config, device, null, null, BridgeConfig.DEFAULT_HISTORY_EVENTS);
    }

    /**
     * @param registry      where its meters go; null for none
     * @param historyEvents the events its history keeps
     */
    ServedDevice(DeviceSettings config, Device device, MeterRegistry registry, int historyEvents) {
        this(config, device, null, registry, historyEvents);
    }

    /** A device missing at start, waited for. */
    ServedDevice(DeviceSettings config, String reason, MeterRegistry registry, int historyEvents) {
        this(config, null, reason, registry, historyEvents);
    }

    private ServedDevice(DeviceSettings config, Device device, String reason, MeterRegistry registry,
                         int historyEvents) {
        this.config = config;
        allowControl(false);
        this.history = new DeviceHistory(historyEvents, DeviceHistory.SECONDS);
        this.device = device;
        this.open = device != null;
        this.closedReason = reason;
        this.meters = registry == null ? null : new DeviceMeters(registry, config.id());
        this.counters = new DeviceCounters(device != null ? device.eventTypes() : List.of(), meters);
        if (meters != null) {
            meters.state(this);
        }
    }

    /** The driver's counters, read by the status publisher; their meters come with the first reading. */
    void driverStats(DeviceStats stats) {
        boolean first = driverStats == null;
        driverStats = stats;
        if (first && meters != null) {
            meters.driver(this);
        }
    }

    String id() {
        return config.id();
    }

    /** With bridge.allowControl, every GPIO device's outputs may be set; without, those that allow triggers. */
    void allowControl(boolean allowControl) {
        outputsAllowed = config instanceof GpioSettings gpio && (allowControl || gpio.allowTriggers());
    }

    /** The loop that reads this device (and its later readers). */
    void readBy(DeviceLoop loop) {
        this.loop = loop;
    }

    /**
     * Times the loop stopped reading the device since it was last opened,
     * because its batches were still being handled here; 0 while it is closed.
     */
    long pauses() {
        DeviceLoop reading = loop;
        Device reader = device;
        return reading == null || reader == null ? 0 : reading.pauses(reader);
    }

    /** The device is back with a new reader, whose seq starts again. */
    void reopened(Device reader) {
        device = reader;
        open = true;
        closedReason = null;
        reopens++;
        since = Instant.now();
        counters.restart();
        history.reopened();
    }

    /** The device went away; its last reader stays until it is back. */
    void closed(String reason) {
        open = false;
        closedReason = reason;
        since = Instant.now();
    }

    /** A 503 failure when the device has gone. */
    void requireOpen() {
        if (!open) {
            throw ReplyCodes.unavailable("device " + id() + " is closed: " + closedReason);
        }
    }

    /**
     * The device's triggers, timer and counters; a 400 failure for a type
     * that has none, naming what was asked ("triggers", "control requests").
     */
    MypollControl control(String asked) {
        if (device instanceof MypollControl control) {
            return control;
        }
        requireOpen();
        throw ReplyCodes.badRequest("device " + id() + " of type " + device.kind() + " takes no " + asked);
    }

    /**
     * The entry of {@code mypoll.devices}; {@code mode} is the loop's, and a device polled in a SIGIO loop
     * (its fd raises no signal) says poll.
     */
    JsonObject describe(String node, String mode) {
        DeviceLoop reading = loop;
        Device reader = device;
        String notify = reading != null && reader != null ? reading.notifiedBy(reader).label() : mode;
        JsonObject entry = new JsonObject()
                .put("id", id())
                .put("node", node)
                .put("type", device != null ? device.kind() : config.type())
                .put("path", device != null ? device.path()
                        : config instanceof EvdevSettings evdev && evdev.path() == null ? evdev.name() : config.path())
                .put("mode", notify)
                .put("open", open)
                .put("closedReason", closedReason)
                .put("reopens", reopens)
                .put("since", since.toString())
                .put("triggers", device != null ? device instanceof MypollControl || hasOutputs(device) && outputsAllowed
                        : config instanceof MypollSettings);
        if (reader instanceof GpioDevice gpio) {
            entry.put("lines", lines(gpio));
        }
        return entry;
    }

    private static boolean hasOutputs(Device device) {
        return device instanceof GpioDevice gpio && gpio.lines().stream().anyMatch(GpioDevice.LineState::output);
    }

    /** Each line with its last known value: read at open, then each edge's, and each output as set. */
    private static JsonArray lines(GpioDevice gpio) {
        JsonArray lines = new JsonArray();
        gpio.values().forEach((line, value) -> lines.add(new JsonObject()
                .put("offset", line.offset())
                .put("name", line.name())
                .put("direction", line.output() ? "output" : "input")
                .put("value", value)));
        return lines;
    }
}
