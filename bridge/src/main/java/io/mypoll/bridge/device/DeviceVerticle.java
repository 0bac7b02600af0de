package io.mypoll.bridge;

import io.mypoll.bridge.BridgeConfig.DeviceConfig;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.DeviceListener;
import io.mypoll.driver.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Opens the configured devices, runs their {@link EventLoop} on its own
 * thread, and publishes what it reads on the event bus. Deploy it as a worker
 * verticle: triggers and ioctls are system calls.
 *
 * <p>Each drained batch is handed to this verticle's context once. At most
 * {@value #MAX_BATCHES_IN_FLIGHT} batches wait there; beyond that the loop
 * stops reading, so a bridge that cannot keep up loses events at the device
 * (counted, with OVERRUN records) rather than filling the heap.
 */
public final class DeviceVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(DeviceVerticle.class.getName());
    static final int MAX_BATCHES_IN_FLIGHT = 64;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final BridgeConfig config;
    private final List<Device> opened;
    /** Context only, after start. */
    private final Map<String, OpenDevice> devices = new LinkedHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(MAX_BATCHES_IN_FLIGHT);
    private volatile boolean stopping;
    private EventLoop loop;
    private EventJson eventJson;
    private DeviceDirectory directory;
    /** {"node", "nodeId"} of this node's event batches; null when not clustered. */
    private JsonObject batchHeader;
    private long statusTimer = -1;

    /** Serves the devices of {@code config.devices()}, opening them on start. */
    public DeviceVerticle(BridgeConfig config) {
        this(config, null);
    }

    /**
     * Serves devices the caller opened (the verticle closes them on undeploy);
     * {@code config.devices()} is not used then.
     */
    public DeviceVerticle(BridgeConfig config, List<Device> opened) {
        this.config = config;
        this.opened = opened == null ? null : List.copyOf(opened);
    }

    @Override
    public Future<?> start() {
        eventJson = new EventJson(config.node());
        directory = new DeviceDirectory(vertx);
        if (directory.clustered()) {
            batchHeader = new JsonObject().put("node", config.node()).put("nodeId", directory.selfId());
        }
        return claimIds().compose(v -> {
            try {
                openAndRun();
            } catch (RuntimeException | IOException e) {
                closeAll();
                return releaseIds().transform(ignored -> Future.failedFuture(e));
            }
            EventBus bus = vertx.eventBus();
            for (OpenDevice d : devices.values()) {
                consumers.add(bus.consumer(Addresses.trigger(d.id()), new TriggerHandler(d)));
                consumers.add(bus.consumer(Addresses.control(d.id()), new ControlHandler(d)));
            }
            statusTimer = vertx.setPeriodic(config.statusIntervalMs(), id -> publishStatus());
            return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                    .compose(all -> Future.all(devices.values().stream().map(d -> directory.update(describe(d)))
                            .toList()));
        });
    }

    /** The device ids, taken in the cluster's directory before anything is opened. */
    private Future<?> claimIds() {
        List<Future<Void>> claims = new ArrayList<>();
        if (opened != null) {
            for (Device device : opened) {
                claims.add(directory.claim("devices", new JsonObject().put("id", device.id())
                        .put("node", config.node()).put("open", false)));
            }
        } else {
            for (int i = 0; i < config.devices().size(); i++) {
                DeviceConfig dc = config.devices().get(i);
                claims.add(directory.claim("devices[" + i + "].id", new JsonObject().put("id", dc.id())
                        .put("node", config.node()).put("type", dc.type()).put("path", dc.path())
                        .put("open", false)));
            }
        }
        return Future.all(claims);
    }

    private Future<?> releaseIds() {
        List<String> ids = opened != null ? opened.stream().map(Device::id).toList()
                : config.devices().stream().map(DeviceConfig::id).toList();
        return Future.join(ids.stream().map(directory::release).toList());
    }

    private void openAndRun() throws IOException {
        if (opened != null) {
            opened.forEach(device -> devices.put(device.id(), new OpenDevice(device)));
        } else {
            for (DeviceConfig dc : config.devices()) {
                Device device = DeviceOpener.open(dc);
                devices.put(device.id(), new OpenDevice(device));
            }
        }
        loop = new EventLoop("mypoll-loop", config.notifyMode(), config.signal(), new Listener()).start();
        for (OpenDevice d : devices.values()) {
            loop.add(d.device).join();
            LOG.log(System.Logger.Level.INFO, "device {0}: {1}, notify {2}{3}", d.id(),
                    d.device.kind().equals(d.device.path()) ? d.device.kind()
                            : d.device.kind() + " " + d.device.path(),
                    config.notifyMode().label(),
                    config.notifyMode() == io.mypoll.driver.NotifyMode.SIGIO ? " (" + config.signalName() + ")" : "");
        }
    }

    @Override
    public Future<?> stop() {
        publishStopped();
        closeAll();
        return releaseIds();
    }

    /**
     * The last status of a node that stops: its devices offline. Other nodes'
     * dashboards show them so at once, as they do for a node that died.
     */
    private void publishStopped() {
        JsonArray list = new JsonArray();
        for (OpenDevice d : devices.values()) {
            list.add(describe(d).put("online", false).put("open", false).put("closedReason", "node stopped"));
        }
        vertx.eventBus().publish(Addresses.STATUS, new JsonObject()
                .put("node", config.node())
                .put("nodeId", directory.selfId())
                .put("online", false)
                .put("time", Instant.now().toString())
                .put("devices", list));
    }

    private void closeAll() {
        stopping = true;
        if (statusTimer >= 0) {
            vertx.cancelTimer(statusTimer);
        }
        if (loop != null) {
            loop.close();
        }
        devices.values().forEach(d -> d.device.close());
    }

    private JsonObject describe(OpenDevice d) {
        return d.describe(config.node(), config.notifyMode().label());
    }

    /**
     * Each event goes to this node's consumers; in a cluster, the batch goes
     * to the other nodes as one message (see {@link EventRelay}).
     */
    private void publish(OpenDevice target, List<DeviceEvent> batch) {
        EventBus bus = vertx.eventBus();
        eventJson.startBatch();
        JsonArray forOtherNodes = batchHeader == null ? null : new JsonArray(new ArrayList<>(batch.size()));
        for (DeviceEvent event : batch) {
            target.counters.record(event);
            JsonObject json = eventJson.encode(target.id(), event);
            if (forOtherNodes == null) {
                bus.publish(Addresses.EVENTS, json);
            } else {
                bus.publish(Addresses.EVENTS, json, LOCAL);
                forOtherNodes.add(json);
            }
        }
        if (forOtherNodes != null) {
            bus.publish(Addresses.EVENT_BATCHES, batchHeader.copy().put("device", target.id())
                    .put("events", forOtherNodes));
        }
    }

    private void publishStatus() {
        JsonArray list = new JsonArray();
        for (OpenDevice d : devices.values()) {
            JsonObject entry = describe(d).put("online", true).mergeIn(d.counters.snapshot());
            if (d.open) {
                try {
                    var s = d.device.stats();
                    entry.put("driver", new JsonObject()
                            .put("generated", s.generated()).put("delivered", s.delivered())
                            .put("lost", s.lost()).put("queued", s.queued()).put("capacity", s.capacity())
                            .put("readers", s.readers()).put("periodUs", s.periodUs()));
                } catch (IOException e) {
                    entry.put("driver", new JsonObject().put("error", e.getMessage()));
                }
            }
            list.add(entry);
        }
        vertx.eventBus().publish(Addresses.STATUS, new JsonObject()
                .put("node", config.node())
                .put("online", true)
                .put("time", Instant.now().toString())
                .put("intervalMs", config.statusIntervalMs())
                .put("devices", list));
    }

    /** Runs on the loop thread; everything it does with state goes through the context. */
    private final class Listener implements DeviceListener {
        @Override
        public void onEvents(Device device, List<DeviceEvent> batch) {
            try {
                while (!inFlight.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    if (stopping) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            context.runOnContext(v -> {
                try {
                    OpenDevice target = devices.get(device.id());
                    if (target != null && !stopping) {
                        publish(target, batch);
                    }
                } finally {
                    inFlight.release();
                }
            });
        }

        @Override
        public void onClosed(Device device, String reason) {
            context.runOnContext(v -> {
                OpenDevice target = devices.get(device.id());
                if (target != null) {
                    target.open = false;
                    target.closedReason = reason;
                    LOG.log(System.Logger.Level.WARNING, "device {0} closed: {1}", device.id(), reason);
                    directory.update(describe(target));
                }
            });
        }
    }
}
