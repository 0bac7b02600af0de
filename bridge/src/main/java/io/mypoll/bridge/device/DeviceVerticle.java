package io.mypoll.bridge.device;

import io.mypoll.bridge.cluster.DeviceClaims;
import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.BridgeConfig.DeviceConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.NotifyMode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
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
    private final Function<DeviceConfig, Device> opener;
    /** Context only, after start. */
    private final Map<String, ServedDevice> served = new LinkedHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private DeviceLoop loop;
    private DeviceClaims claims;
    private EventPublisher events;
    private StatusPublisher status;

    /** Serves the devices of {@code config.devices()}, opened as configured. */
    public DeviceVerticle(BridgeConfig config) {
        this(config, DeviceOpener::open);
    }

    /**
     * Serves the devices of {@code config.devices()}, each opened by {@code opener}
     * (an application that makes its own devices, or a test); the verticle closes them.
     */
    public DeviceVerticle(BridgeConfig config, Function<DeviceConfig, Device> opener) {
        this.config = config;
        this.opener = opener;
    }

    /**
     * Serves devices the caller has opened, as if configured: each is a
     * {@code devices} entry with its own id, type and path.
     */
    public static DeviceVerticle serving(BridgeConfig config, List<? extends Device> devices) {
        Map<String, Device> byId = new LinkedHashMap<>();
        devices.forEach(d -> byId.put(d.id(), d));
        List<DeviceConfig> entries = devices.stream()
                .map(d -> new DeviceConfig(d.id(), d.kind(), d.path(), null, 0)).toList();
        return new DeviceVerticle(config.withDevices(entries), dc -> byId.get(dc.id()));
    }

    @Override
    public Future<?> start() {
        DeviceDirectory directory = new DeviceDirectory(vertx);
        claims = new DeviceClaims(directory, config.node(), config.devices());
        status = new StatusPublisher(vertx, config.node(), directory.selfId(), config.notifyMode().label(),
                config.statusIntervalMs(), served.values());
        events = new EventPublisher(context, config.node(), directory.clustered() ? directory.selfId() : null,
                served, this::onClosed);
        return claims.claimAll().compose(v -> {
            try {
                openAndRun();
            } catch (RuntimeException e) {
                closeAll();
                return claims.releaseAll().transform(ignored -> Future.failedFuture(e));
            }
            EventBus bus = vertx.eventBus();
            for (ServedDevice d : served.values()) {
                consumers.add(bus.consumer(Addresses.trigger(d.id()), new TriggerHandler(d)));
                consumers.add(bus.consumer(Addresses.control(d.id()), new ControlHandler(d)));
            }
            status.start();
            return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                    .compose(all -> Future.all(served.values().stream()
                            .map(d -> claims.update(status.describe(d))).toList()));
        });
    }

    private void openAndRun() {
        for (DeviceConfig dc : config.devices()) {
            Device device = opener.apply(dc);
            served.put(device.id(), new ServedDevice(device));
        }
        try {
            loop = new DeviceLoop("device-loop", config.notifyMode(), config.signal(), events).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the device loop: " + e.getMessage(), e);
        }
        for (ServedDevice d : served.values()) {
            loop.add(d.device).join();
            LOG.log(System.Logger.Level.INFO, "device {0}: {1}, notify {2}{3}", d.id(),
                    d.device.kind().equals(d.device.path()) ? d.device.kind()
                            : d.device.kind() + " " + d.device.path(),
                    config.notifyMode().label(),
                    config.notifyMode() == NotifyMode.SIGIO ? " (" + config.signalName() + ")" : "");
        }
    }

    /** On the context: the loop reported the device gone. */
    private void onClosed(ServedDevice target, String reason) {
        target.open = false;
        target.closedReason = reason;
        LOG.log(System.Logger.Level.WARNING, "device {0} closed: {1}", target.id(), reason);
        claims.update(status.describe(target));
    }

    @Override
    public Future<?> stop() {
        status.stop();
        closeAll();
        return claims.releaseAll();
    }

    private void closeAll() {
        events.stop();
        if (loop != null) {
            loop.close();
        }
        served.values().forEach(d -> d.device.close());
    }
}
