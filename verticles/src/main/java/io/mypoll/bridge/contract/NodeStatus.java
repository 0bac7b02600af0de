// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The one shape of {@code mypoll.status}:
 * {@code {"node", "nodeId", "online", "time", "intervalMs", "devices": [...]}}.
 * A node that serves devices publishes it with {@code online: true} every
 * {@code intervalMs}; a node that stops, and every node for one that left the
 * cluster, publishes it with {@code online: false} and {@code intervalMs: 0}
 * (no more will come).
 */
public final class NodeStatus {
    /**
     * The local map ({@code vertx.sharedData().getLocalMap}) of objects that features of this node add to
     * its status, by field name: {@code "mqtt"} is the MQTT publisher's.
     */
    public static final String PARTS = "mypoll.status.parts";

    private NodeStatus() {
    }

    /** @param devices the device entries, each with its counters */
    public static JsonObject online(String node, String nodeId, long intervalMs, JsonArray devices) {
        return of(node, nodeId, true, intervalMs, devices);
    }

    /** @param devices the node's device entries, each already marked {@code "online": false} */
    public static JsonObject offline(String node, String nodeId, JsonArray devices) {
        return of(node, nodeId, false, 0, devices);
    }

    private static JsonObject of(String node, String nodeId, boolean online, long intervalMs, JsonArray devices) {
        return new JsonObject()
                .put("node", node)
                .put("nodeId", nodeId)
                .put("online", online)
                .put("time", Instant.now().toString())
                .put("intervalMs", intervalMs)
                .put("devices", devices);
    }
}
