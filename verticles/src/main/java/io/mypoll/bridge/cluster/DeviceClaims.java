// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import io.mypoll.bridge.config.DeviceSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's device ids in the {@link DeviceDirectory}: taken before any
 * device is opened (so two nodes never serve one id), kept up to date while
 * they are served, and given up when the node stops.
 */
public final class DeviceClaims {
    private final DeviceDirectory directory;
    private final String node;
    private final List<DeviceSettings> devices;

    public DeviceClaims(DeviceDirectory directory, String node, List<DeviceSettings> devices) {
        this.directory = directory;
        this.node = node;
        this.devices = List.copyOf(devices);
    }

    /** Claims every id; fails with a ConfigException naming {@code devices[i].id} when a live node has one. */
    public Future<?> claimAll() {
        List<Future<Void>> claims = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            DeviceSettings dc = devices.get(i);
            claims.add(directory.claim("devices[" + i + "].id", new JsonObject().put("id", dc.id())
                    .put("node", node).put("type", dc.type()).put("path", dc.path()).put("open", false)));
        }
        return Future.all(claims);
    }

    /** Replaces this node's entry of a device: its {@code mypoll.devices} description. */
    public Future<Void> update(JsonObject entry) {
        return directory.update(entry);
    }

    /** Gives up every id this node still has. */
    public Future<?> releaseAll() {
        return Future.join(devices.stream().map(dc -> directory.release(dc.id())).toList());
    }

    /** This node's id in the cluster ("local" when not clustered). */
    public String nodeId() {
        return directory.selfId();
    }
}
