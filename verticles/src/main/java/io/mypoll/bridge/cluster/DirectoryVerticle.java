// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.NodeStatus;
import io.mypoll.bridge.contract.ReplyCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs on every node: answers {@code mypoll.devices} with the devices of the
 * whole cluster, and, when a node leaves, tells this node's status listeners
 * (the dashboard, {@code /api/status}) that its devices are offline, with a
 * {@code mypoll.status} message in that node's name.
 *
 * <p>In a cluster it answers from a copy of the directory taken every
 * {@value #WATCH_MS} ms, with {@code online} as of the request: while a member
 * has died but not yet been declared dead, reads of the map can wait for it,
 * and the device list must not.
 */
public final class DirectoryVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(DirectoryVerticle.class.getName());
    /** How often the member list is compared with the last one. */
    static final long WATCH_MS = 1000;

    private DeviceDirectory directory;
    /** Context only. */
    private Set<String> members = Set.of();
    /** Context only: the last copy of the directory (cluster), and whether a newer one is being read. */
    private JsonArray copy = new JsonArray();
    private boolean reading;

    @Override
    public Future<?> start() {
        directory = new DeviceDirectory(vertx);
        members = directory.liveNodes();
        if (!directory.clustered()) {
            return vertx.eventBus().consumer(Addresses.DEVICES, message -> directory.list()
                    .onSuccess(message::reply)
                    .onFailure(e -> message.fail(ReplyCodes.UNAVAILABLE, "device list unavailable: "
                            + e.getMessage())))
                    .completion();
        }
        vertx.setPeriodic(WATCH_MS, id -> watch());
        return directory.list().onSuccess(list -> copy = list)
                .compose(v -> vertx.eventBus().consumer(Addresses.DEVICES, message -> message.reply(fromCopy()))
                        .completion());
    }

    private JsonArray fromCopy() {
        Set<String> live = directory.liveNodes();
        JsonArray list = new JsonArray();
        copy.forEach(o -> {
            JsonObject d = ((JsonObject) o).copy();
            list.add(d.put("online", live.contains(d.getString("nodeId"))));
        });
        return list;
    }

    private void watch() {
        if (!reading) {
            reading = true;
            directory.list().onComplete(ar -> {
                reading = false;
                if (ar.succeeded()) {
                    copy = ar.result();
                }
            });
        }
        Set<String> now = directory.liveNodes();
        Set<String> left = new HashSet<>(members);
        left.removeAll(now);
        members = now;
        if (!left.isEmpty()) {
            announceOffline(left, fromCopy());
        }
    }

    private void announceOffline(Set<String> left, JsonArray devices) {
        for (String nodeId : left) {
            JsonArray offline = new JsonArray();
            String node = null;
            for (int i = 0; i < devices.size(); i++) {
                JsonObject d = devices.getJsonObject(i);
                if (nodeId.equals(d.getString("nodeId"))) {
                    node = d.getString("node");
                    offline.add(d);
                }
            }
            if (node == null) {
                continue;
            }
            LOG.log(System.Logger.Level.WARNING, "node {0} ({1}) left the cluster: {2} device(s) offline", node,
                    nodeId, offline.size());
            // Every node makes this message for its own listeners: local only.
            vertx.eventBus().publish(Addresses.STATUS, NodeStatus.offline(node, nodeId, offline),
                    Addresses.LOCAL_ONLY);
        }
    }
}
