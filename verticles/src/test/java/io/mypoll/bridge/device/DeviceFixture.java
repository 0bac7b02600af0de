// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A device verticle over emulated devices, and a consumer verticle that collects what it publishes. */
final class DeviceFixture {
    final Vertx vertx;
    final List<EmulatedDevice> devices = new ArrayList<>();
    /** Every device the verticle serves, in order. */
    private final List<Device> served = new ArrayList<>();
    final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonObject> statuses = new LinkedBlockingQueue<>();
    String deployment;

    DeviceFixture(Vertx vertx) {
        this.vertx = vertx;
    }

    static BridgeConfig config(String notify) {
        return BridgeConfig.from(new JsonObject().put("notify", notify).put("node", "test-node")
                .put("statusIntervalMs", 200));
    }

    DeviceFixture device(String id, int periodUs) throws Exception {
        return device(id, periodUs, 1 << 16);
    }

    DeviceFixture device(String id, int periodUs, int queueLen) throws Exception {
        EmulatedDevice device = new EmulatedDevice(id, periodUs, queueLen);
        devices.add(device);
        served.add(device);
        return this;
    }

    /** A device of another type, served beside the emulated ones. */
    DeviceFixture device(Device device) {
        served.add(device);
        return this;
    }

    DeviceFixture start(String notify) {
        vertx.deployVerticle(new CollectingConsumer(events, statuses)).await();
        vertx.deployVerticle(new DirectoryVerticle()).await();
        deployment = vertx.deployVerticle(DeviceVerticle.serving(config(notify), served),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        return this;
    }

    JsonObject nextEvent(long timeoutMs) throws InterruptedException {
        JsonObject e = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no event within " + timeoutMs + " ms");
        }
        return e;
    }

    /** The next event of that type, skipping others. */
    JsonObject nextEvent(String type, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            JsonObject e = nextEvent(Math.max(1, deadline - System.currentTimeMillis()));
            if (type.equals(e.getString("type"))) {
                return e;
            }
        }
    }

    JsonObject request(String address, Object body) {
        return vertx.eventBus().<JsonObject>request(address, body).await().body();
    }

    ReplyException failure(String address, Object body) {
        Throwable t = vertx.eventBus().request(address, body)
                .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
        if (!(t instanceof ReplyException e)) {
            throw new AssertionError("expected a ReplyException, got " + t);
        }
        return e;
    }

    /** A consumer in a verticle of its own, as users write them. */
    static final class CollectingConsumer extends io.vertx.core.VerticleBase {
        private final BlockingQueue<JsonObject> events;
        private final BlockingQueue<JsonObject> statuses;

        CollectingConsumer(BlockingQueue<JsonObject> events, BlockingQueue<JsonObject> statuses) {
            this.events = events;
            this.statuses = statuses;
        }

        @Override
        public io.vertx.core.Future<?> start() {
            return io.vertx.core.Future.all(
                    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion(),
                    vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> statuses.add(m.body())).completion());
        }
    }
}
