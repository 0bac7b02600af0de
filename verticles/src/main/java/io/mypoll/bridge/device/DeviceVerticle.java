// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.micrometer.core.instrument.MeterRegistry;
import io.mypoll.bridge.cluster.DeviceClaims;
import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.CallerOpenedSettings;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.DeviceWatcher;
import io.mypoll.driver.NotifyMode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Serves the configured devices: claims their ids, opens them, runs their
 * {@link DeviceLoop} on its own thread, answers triggers and control
 * requests, and closes them on undeploy. Publishing events
 * ({@link EventPublisher}) and status ({@link StatusPublisher}) are jobs of
 * their own. Deploy it as a worker verticle: triggers and ioctls are system
 * calls.
 */
public final class DeviceVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(DeviceVerticle.class.getName());

    private final BridgeConfig config;
    private final Function<DeviceSettings, Device> opener;
    /** Context only, after start. */
    private final Map<String, ServedDevice> served = new LinkedHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    /** How long after a failed reopen the next try is, when no change in the directory comes first. */
    private static final long REOPEN_RETRY_MS = 250;
    /** Set on the context at start; read by {@link #nextLoopTurn} from any thread. */
    private volatile DeviceLoop loop;
    private DeviceWatcher watcher;
    /** Context only: the watches of devices that are gone, and the devices with a retry pending. */
    private final Map<String, DeviceWatcher.Watch> watches = new HashMap<>();
    /** Context only: the watches of open devices whose going wakes no reader ({@link #watchWhileOpen}). */
    private final Map<String, DeviceWatcher.Watch> openWatches = new HashMap<>();
    private final Set<String> retries = new HashSet<>();
    private boolean stopping;
    private DeviceClaims claims;
    /** Where the devices' meters go; null without metrics. */
    private MeterRegistry registry;
    private EventPublisher events;
    private StatusPublisher status;

    /** Serves the devices of {@code config.devices()}, opened as configured. */
    public DeviceVerticle(BridgeConfig config) {
        this(config, DeviceOpener::open);
    }

    /**
     * Serves the devices of {@code config.devices()}, each opened by {@code opener}
     * (an application that makes its own devices, or a test), which throws a
     * {@link DeviceOpenException} for a device it cannot open now; the verticle closes them.
     */
    public DeviceVerticle(BridgeConfig config, Function<DeviceSettings, Device> opener) {
        this.config = config;
        this.opener = opener;
    }

    /**
     * Serves devices the caller has opened, as if configured: each is a
     * {@code devices} entry with its own id, type and path, which is not
     * opened again once it is gone.
     */
    public static DeviceVerticle serving(BridgeConfig config, List<? extends Device> devices) {
        Map<String, Device> byId = new LinkedHashMap<>();
        devices.forEach(d -> byId.put(d.id(), d));
        List<DeviceSettings> entries = devices.stream()
                .<DeviceSettings>map(d -> new CallerOpenedSettings(d.id(), d.kind(), d.path())).toList();
        return new DeviceVerticle(config.withDevices(entries), dc -> {
            Device device = byId.remove(dc.id());
            if (device == null) {
                throw new DeviceOpenException(dc.id(), "a device opened by the caller is not opened again");
            }
            return device;
        });
    }

    @Override
    public Future<?> start() {
        DeviceDirectory directory = new DeviceDirectory(vertx);
        registry = config.metrics().registry();
        claims = new DeviceClaims(directory, config.node(), config.devices());
        status = new StatusPublisher(vertx, config.node(), directory.selfId(), config.notifyMode().label(),
                config.statusIntervalMs(), served.values());
        events = new EventPublisher(context, config.node(), directory.clustered() ? directory.selfId() : null,
                served, this::onClosed);
        return claims.claimAll().compose(v -> {
            Future<Void> reading;
            try {
                reading = openAndRun();
            } catch (RuntimeException e) {
                reading = Future.failedFuture(e);
            }
            return reading.recover(e -> {
                closeAll();
                return claims.releaseAll().transform(ignored -> Future.failedFuture(e));
            });
        }).compose(v -> {
            EventBus bus = vertx.eventBus();
            for (ServedDevice d : served.values()) {
                consumers.add(bus.consumer(Addresses.trigger(d.id()), new TriggerHandler(d, config.bridge().allowControl())));
                consumers.add(bus.consumer(Addresses.control(d.id()), new ControlHandler(d)));
                consumers.add(bus.consumer(Addresses.history(d.id()), new HistoryHandler(d, config.node())));
            }
            status.start();
            return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                    .compose(all -> Future.all(served.values().stream()
                            .map(d -> claims.update(status.describe(d))).toList()));
        });
    }

    /** Opens the devices and starts the loop; succeeds on the context when the loop reads every open one. */
    private Future<Void> openAndRun() {
        for (DeviceSettings dc : config.devices()) {
            try {
                served.put(dc.id(), new ServedDevice(dc, opener.apply(dc), registry, config.historyEvents()));
            } catch (DeviceOpenException e) {
                if (!dc.waitForDevice()) {
                    throw e;
                }
                served.put(dc.id(), new ServedDevice(dc, "waiting for it: " + e.getMessage(), registry,
                        config.historyEvents()));
                LOG.log(System.Logger.Level.WARNING, "device {0} is missing, waited for: {1}", dc.id(),
                        e.getMessage());
            }
        }
        try {
            loop = new DeviceLoop("device-loop", config.notifyMode(), config.signal(), events).start();
            watcher = new DeviceWatcher("device-watcher");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the device loop: " + e.getMessage(), e);
        }
        served.values().forEach(d -> {
            d.readBy(loop);
            d.allowControl(config.bridge().allowControl());
        });
        List<Future<Void>> added = new ArrayList<>();
        for (ServedDevice d : served.values()) {
            if (d.device == null) {
                watchFor(d);
                continue;
            }
            Device device = d.device;
            added.add(read(device).onSuccess(ok -> {
                LOG.log(System.Logger.Level.INFO, "device {0}: {1}, notify {2}", d.id(),
                        device.kind().equals(device.path()) ? device.kind() : device.kind() + " " + device.path(),
                        notifyText(device));
                watchWhileOpen(d, device);
            }));
        }
        return Future.all(added).mapEmpty();
    }

    /** "sigio (SIGIO)", "poll", or "poll (its fd raises no SIGIO)" for a device polled in a SIGIO loop. */
    private String notifyText(Device device) {
        if (loop.notifiedBy(device) == NotifyMode.SIGIO) {
            return "sigio (" + config.signalName() + ")";
        }
        return config.notifyMode() == NotifyMode.SIGIO ? "poll (its fd raises no SIGIO)" : "poll";
    }

    /**
     * A device whose going wakes no reader (a GPIO line on Linux before 6.4) is read whenever its node's
     * directory changes while it is open: a removed chip's line then fails its read with ENODEV and is
     * closed as any other device that went away.
     */
    private void watchWhileOpen(ServedDevice target, Device device) {
        if (device.reportsRemoval()) {
            return;
        }
        Path dir = DeviceOpener.directoryOf(target.config);
        try {
            DeviceWatcher.Watch watch = watcher.watch(dir, () -> context.runOnContext(v -> {
                if (target.device == device && target.open) {
                    loop.readSoon(device);
                }
            }));
            DeviceWatcher.Watch before = openWatches.put(target.id(), watch);
            if (before != null) {
                before.cancel();
            }
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "device {0}: cannot watch {1} ({2}); its going may go unnoticed",
                    target.id(), dir, e.getMessage());
        }
    }

    /** The loop's add of the device, completed on this verticle's context: never waited for. */
    private Future<Void> read(Device device) {
        return Future.fromCompletionStage(loop.add(device), context);
    }

    /** On the context: the loop reported the device gone; a real device is waited for. */
    private void onClosed(ServedDevice target, String reason) {
        DeviceWatcher.Watch whileOpen = openWatches.remove(target.id());
        if (whileOpen != null) {
            whileOpen.cancel();
        }
        target.closed(reason);
        target.device.close();
        boolean waited = target.config.comesBack();
        LOG.log(System.Logger.Level.WARNING, "device {0} closed: {1}{2}", target.id(), reason,
                waited ? "; waiting for it to come back" : "");
        claims.update(status.describe(target));
        if (waited) {
            watchFor(target);
        }
    }

    /**
     * Watches the directory of the device's node (for a device found by name,
     * the input devices' directory) and opens it again when it is back. The
     * first try is at once: it may be back already.
     */
    private void watchFor(ServedDevice target) {
        DeviceSettings dc = target.config;
        Path dir = DeviceOpener.directoryOf(dc);
        try {
            watches.put(target.id(), watcher.watch(dir, () -> context.runOnContext(v -> tryReopen(target, true))));
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "device {0}: cannot watch {1} ({2}); it will not be opened again",
                    target.id(), dir, e.getMessage());
            return;
        }
        tryReopen(target, false);
    }

    /**
     * On the context. A node can appear a moment before its permissions are
     * set: after a change in the directory, a failed try is followed by one
     * more; nothing is tried without a change.
     */
    private void tryReopen(ServedDevice target, boolean retry) {
        if (target.open || stopping) {
            return;
        }
        Device reader;
        try {
            reader = opener.apply(target.config);
        } catch (DeviceOpenException e) {
            if (retry && retries.add(target.id())) {
                vertx.setTimer(REOPEN_RETRY_MS, id -> {
                    retries.remove(target.id());
                    tryReopen(target, false);
                });
            }
            return;
        }
        DeviceWatcher.Watch watch = watches.remove(target.id());
        if (watch != null) {
            watch.cancel();
        }
        target.reopened(reader);
        read(reader).onComplete(added -> {
            if (stopping) {
                return;
            }
            if (added.succeeded()) {
                LOG.log(System.Logger.Level.INFO, "device {0} is back: {1} opened again ({2,number,#} times so far)",
                        target.id(), reader.path(), target.reopens);
                watchWhileOpen(target, reader);
            } else {
                // The loop refused it (its fd, or the loop is gone): the reader is closed, not tried again.
                LOG.log(System.Logger.Level.WARNING, "device {0} is back but cannot be read: {1}", target.id(),
                        added.cause().getMessage());
                target.closed("cannot be read: " + added.cause().getMessage());
                reader.close();
            }
            claims.update(status.describe(target));
        });
    }

    /**
     * Succeeds, on the caller's context, when the device loop next runs its
     * commands ({@link DeviceLoop#nextTurn}): a liveness check. Pending for
     * as long as the loop is stuck.
     */
    public Future<Void> nextLoopTurn() {
        DeviceLoop running = loop;
        if (running == null) {
            return Future.failedFuture("the device loop is not running");
        }
        return Future.fromCompletionStage(running.nextTurn(), vertx.getOrCreateContext());
    }

    @Override
    public Future<?> stop() {
        status.stop();
        closeAll();
        return claims.releaseAll();
    }

    private void closeAll() {
        stopping = true;
        events.stop();
        if (watcher != null) {
            watcher.close();
        }
        if (loop != null) {
            loop.close();
        }
        served.values().stream().filter(d -> d.device != null).forEach(d -> d.device.close());
        served.values().stream().filter(d -> d.meters != null).forEach(d -> d.meters.close());
    }
}
