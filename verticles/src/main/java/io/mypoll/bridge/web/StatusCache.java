// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest device status of each node, and this node's socket counters,
 * for {@code GET /api/status}. Used on the HTTP verticle's context only.
 */
final class StatusCache {
    private final Map<String, JsonObject> byNode = new LinkedHashMap<>();
    private JsonObject sockets = new JsonObject();

    void onStatus(JsonObject status) {
        byNode.put(status.getString("node"), status);
    }

    void sockets(JsonObject counters) {
        sockets = counters;
    }

    JsonObject snapshot() {
        JsonArray devices = new JsonArray();
        byNode.values().forEach(s -> s.getJsonArray("devices").forEach(devices::add));
        return new JsonObject().put("devices", devices).put("sockets", sockets);
    }
}
