// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.bridge.contract.EventBatchCodec;
import io.mypoll.bridge.contract.EventJson;
import io.mypoll.bridge.contract.SharedJsonCodec;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.DeviceListener;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Takes what the device loop reads and publishes it: each event as JSON on
 * {@code mypoll.events} and each read as one {@link EventBatch} on
 * {@code mypoll.events.local} for this node's consumers and, in a cluster, each
 * batch as one message on {@code mypoll.events.batch} for the other nodes
 * (see {@code EventRelay}).
 *
 * <p>The loop thread publishes the batch and the events itself, so an event
 * reaches a consumer's event loop with one thread hand-off. Neither is
 * copied per consumer: a batch is immutable, and an event's JSON goes to
 * every local consumer as the same read-only object ({@link SharedJsonCodec}). The batch then
 * goes to the device verticle's context, which counts it and relays it to
 * the other nodes, and hands it back to the loop ({@code handled}). The loop
 * reads a device only while few enough of its batches wait there, so a
 * bridge that cannot keep up pauses that device, which loses events at the
 * device (counted, with OVERRUN records) rather than filling the heap; the
 * loop thread itself never waits.
 */
final class EventPublisher implements DeviceListener {

    private final Context context;
    private final EventBus bus;
    /** The verticle's devices by id; read on the context only. */
    private final Map<String, ServedDevice> served;
    /** Called on the context when a device goes away. */
    private final BiConsumer<ServedDevice, String> onClosed;
    /** Loop thread only. */
    private final EventJson eventJson;
    /** {"node", "nodeId"} of this node's event batches; null when not clustered. */
    private final JsonObject batchHeader;
    private volatile boolean stopped;

    EventPublisher(Context context, String node, String clusterNodeId, Map<String, ServedDevice> served,
                   BiConsumer<ServedDevice, String> onClosed) {
        this.context = context;
        this.bus = context.owner().eventBus();
        EventBatchCodec.register(bus);
        SharedJsonCodec.register(bus);
        this.served = served;
        this.onClosed = onClosed;
        this.eventJson = new EventJson(node);
        this.batchHeader = clusterNodeId == null ? null
                : new JsonObject().put("node", node).put("nodeId", clusterNodeId);
    }

    /** Nothing more is published or counted. */
    void stop() {
        stopped = true;
    }

    /**
     * Runs on the loop thread, without waiting: publishes the batch to this
     * node's consumers, then hands it to the context to be counted, which
     * hands it back to the loop.
     */
    @Override
    public void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
        if (stopped) {
            handled.run();
            return;
        }
        List<JsonObject> encoded = publishLocally(device.id(), batch);
        context.runOnContext(v -> {
            try {
                ServedDevice target = served.get(device.id());
                if (target != null && !stopped) {
                    account(target, batch, encoded);
                }
            } finally {
                handled.run();
            }
        });
    }

    /** Runs on the loop thread. */
    @Override
    public void onClosed(Device device, String reason) {
        context.runOnContext(v -> {
            ServedDevice target = served.get(device.id());
            if (target != null) {
                onClosed.accept(target, reason);
            }
        });
    }

    /**
     * Loop thread: encodes each event once and publishes it, then publishes the batch, to this node's
     * consumers. The JSON events go first: on two cores, the consumers that the first publish wakes can take
     * the loop thread's core before the second, and the per-event consumers, which every bridge has, are the
     * ones whose latency is promised (BENCHMARKS.md: 35-44 us against 70-96 us the other way round).
     */
    private List<JsonObject> publishLocally(String device, List<DeviceEvent> batch) {
        eventJson.startBatch();
        List<JsonObject> encoded = new ArrayList<>(batch.size());
        for (DeviceEvent event : batch) {
            JsonObject json = eventJson.encode(device, event);
            encoded.add(json);
            bus.publish(Addresses.EVENTS, json, SharedJsonCodec.LOCAL_ONLY);
        }
        bus.publish(Addresses.LOCAL_EVENT_BATCHES, new EventBatch(device, eventJson.node(), batch),
                Addresses.LOCAL_ONLY);
        return encoded;
    }

    /** Context: counts the batch and, in a cluster, sends it to the other nodes as one message. */
    private void account(ServedDevice target, List<DeviceEvent> batch, List<JsonObject> encoded) {
        for (int i = 0; i < batch.size(); i++) {
            target.counters.record(batch.get(i));
            target.history.add(encoded.get(i));
        }
        if (batchHeader != null) {
            bus.publish(Addresses.NODE_EVENT_BATCHES, batchHeader.copy().put("device", target.id())
                    .put("events", new JsonArray(encoded)));
        }
    }
}
