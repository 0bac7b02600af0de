// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.NodeStatus;
import io.mypoll.driver.mypoll.DeviceStats;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Collection;

/**
 * Publishes this node's {@code mypoll.status}: every interval its devices with
 * their counters, and when it stops, its devices offline. Used on the device
 * verticle's context only.
 */
final class StatusPublisher {
    private final Vertx vertx;
    private final String node;
    private final String nodeId;
    private final String mode;
    private final long intervalMs;
    private final Collection<ServedDevice> devices;
    private long timer = -1;

    StatusPublisher(Vertx vertx, String node, String nodeId, String mode, long intervalMs,
                    Collection<ServedDevice> devices) {
        this.vertx = vertx;
        this.node = node;
        this.nodeId = nodeId;
        this.mode = mode;
        this.intervalMs = intervalMs;
        this.devices = devices;
    }

    void start() {
        timer = vertx.setPeriodic(intervalMs, id -> publish());
    }

    /**
     * The last status of a node that stops: its devices offline. Other nodes'
     * dashboards show them so at once, as they do for a node that died.
     */
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        JsonArray list = new JsonArray();
        for (ServedDevice d : devices) {
            list.add(describe(d).put("online", false).put("open", false).put("closedReason", "node stopped"));
        }
        vertx.eventBus().publish(Addresses.STATUS, NodeStatus.offline(node, nodeId, list));
    }

    /** The {@code mypoll.devices} entry of a device: what the directory and status share. */
    JsonObject describe(ServedDevice d) {
        return d.describe(node, mode).put("nodeId", nodeId);
    }

    private void publish() {
        JsonArray list = new JsonArray();
        for (ServedDevice d : devices) {
            JsonObject entry = describe(d).put("online", true).mergeIn(d.counters.snapshot())
                    .put("paused", d.pauses());
            if (d.open && d.device instanceof MypollControl control) {
                entry.put("driver", driverCounters(d, control));
            }
            list.add(entry);
        }
        JsonObject status = NodeStatus.online(node, nodeId, intervalMs, list);
        vertx.sharedData().<String, JsonObject>getLocalMap(NodeStatus.PARTS).forEach(status::put);
        vertx.eventBus().publish(Addresses.STATUS, status);
    }

    private static JsonObject driverCounters(ServedDevice d, MypollControl control) {
        try {
            DeviceStats s = control.stats();
            d.driverStats(s);
            return new JsonObject()
                    .put("generated", s.generated()).put("delivered", s.delivered())
                    .put("lost", s.lost()).put("queued", s.queued()).put("capacity", s.capacity())
                    .put("readers", s.readers()).put("periodUs", s.periodUs());
        } catch (IOException e) {
            return new JsonObject().put("error", e.getMessage());
        }
    }
}
