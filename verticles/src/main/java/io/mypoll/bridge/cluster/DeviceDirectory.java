// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import io.mypoll.bridge.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every device of every node, in a map the whole cluster shares (a local map
 * when the bridge is not clustered). An entry is the device's
 * {@code mypoll.devices} description plus the Vert.x id of the node that
 * serves it ({@code nodeId}); a device is online while that node is a member.
 *
 * <p>A device id belongs to one node at a time: a node claims its ids before
 * it opens the devices, and an id stays taken while its node is alive.
 */
public final class DeviceDirectory {
    static final String MAP = "mypoll.devices";
    private static final String LOCAL_NODE = "local";

    private final Vertx vertx;
    private final ClusterManager cluster;

    public DeviceDirectory(Vertx vertx) {
        this.vertx = vertx;
        this.cluster = ((VertxInternal) vertx).clusterManager();
    }

    public boolean clustered() {
        return cluster != null;
    }

    /** This node's id in the cluster. */
    public String selfId() {
        return cluster == null ? LOCAL_NODE : cluster.getNodeId();
    }

    /** The ids of the nodes in the cluster now, as this node sees them. */
    public Set<String> liveNodes() {
        return cluster == null ? Set.of(LOCAL_NODE) : new TreeSet<>(cluster.getNodes());
    }

    private Future<AsyncMap<String, JsonObject>> map() {
        return vertx.sharedData().getAsyncMap(MAP);
    }

    /**
     * Takes the device's id for this node; fails with a {@link ConfigException}
     * naming {@code key} when a live node has it.
     */
    public Future<Void> claim(String key, JsonObject entry) {
        JsonObject mine = entry.copy().put("nodeId", selfId());
        return map().compose(map -> claim(map, key, mine));
    }

    private Future<Void> claim(AsyncMap<String, JsonObject> map, String key, JsonObject mine) {
        String id = mine.getString("id");
        return map.putIfAbsent(id, mine).compose(existing -> {
            if (existing == null) {
                return Future.succeededFuture();
            }
            String owner = existing.getString("nodeId");
            if (!selfId().equals(owner) && liveNodes().contains(owner)) {
                return Future.failedFuture(new ConfigException(key, "'" + id + "' is already served by node "
                        + existing.getString("node") + " (" + owner + "); device ids must be unique in the cluster"));
            }
            // The entry of a node that has left, or our own from before: take it over, unless it changed meanwhile.
            return map.replaceIfPresent(id, existing, mine)
                    .compose(replaced -> replaced ? Future.succeededFuture() : claim(map, key, mine));
        });
    }

    /** Replaces this node's entry of a device (open or closed, for example). */
    public Future<Void> update(JsonObject entry) {
        return map().compose(map -> map.put(entry.getString("id"), entry.copy().put("nodeId", selfId())));
    }

    /** Gives the id up, if this node still has it. */
    public Future<Void> release(String id) {
        return map().compose(map -> map.get(id).compose(existing -> existing != null
                && selfId().equals(existing.getString("nodeId"))
                ? map.removeIfPresent(id, existing).mapEmpty() : Future.<Void>succeededFuture()));
    }

    /** Every device, each with {@code online}: whether its node is in the cluster now. */
    public Future<JsonArray> list() {
        Set<String> live = liveNodes();
        return map().compose(AsyncMap::entries).map(entries -> {
            JsonArray list = new JsonArray();
            entries.values().stream()
                    .sorted((a, b) -> a.getString("id").compareTo(b.getString("id")))
                    .forEach(e -> list.add(e.copy().put("online", live.contains(e.getString("nodeId")))));
            return list;
        });
    }
}
