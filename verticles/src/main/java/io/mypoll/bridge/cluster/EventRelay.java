// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.SharedJsonCodec;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * In a cluster, events cross between nodes in batches, one message per
 * drained read on {@code mypoll.events.batch}, not one per event. This verticle
 * publishes the events of other nodes' batches on {@code mypoll.events} for
 * the consumers of its own Vert.x instance, one message per event, as the
 * device's own node does for its consumers. The bridge deploys it on every
 * clustered node; a clustered application of your own without the bridge
 * deploys it to see every node's events on {@code mypoll.events}.
 */
public final class EventRelay extends VerticleBase {
    @Override
    public Future<?> start() {
        // This node's own events are already on its mypoll.events.
        String selfId = new DeviceDirectory(vertx).selfId();
        EventBus bus = vertx.eventBus();
        SharedJsonCodec.register(bus);
        return bus.<JsonObject>consumer(Addresses.NODE_EVENT_BATCHES, message -> {
            JsonObject batch = message.body();
            if (selfId.equals(batch.getString("nodeId"))) {
                return;
            }
            JsonArray events = batch.getJsonArray("events");
            for (int i = 0; i < events.size(); i++) {
                bus.publish(Addresses.EVENTS, events.getJsonObject(i), SharedJsonCodec.LOCAL_ONLY);
            }
        }).completion();
    }
}
