// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.cluster.EventRelay;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.bridge.logging.EventSummaryLog;
import io.mypoll.bridge.mqtt.MqttPublisher;
import io.mypoll.bridge.service.HttpProbe;
import io.mypoll.bridge.service.Watchdog;
import io.mypoll.bridge.web.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;

/**
 * The application: deploys the device directory, the device verticle (a
 * worker, when the node has devices), the HTTP verticle, when
 * {@code logEvents} is on the log's summary of events, with {@code mqtt.enabled} the MQTT publisher, and in a
 * cluster the relay of other nodes' events.
 */
public final class BridgeVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(BridgeVerticle.class.getName());
    private final BridgeConfig config;
    private HttpVerticle http;
    /** Null when the node has no devices. */
    private DeviceVerticle devices;

    /** @param config the checked settings ({@link BridgeConfig#from}) */
    public BridgeVerticle(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        DeviceDirectory directory = new DeviceDirectory(vertx);
        LOG.log(System.Logger.Level.INFO, "node {0}: {1} device(s), notify {2}, HTTP on {3}:{4,number,#}{5}",
                config.node(), config.devices().size(), config.notifyMode().label(), config.http().host(),
                config.http().port(), directory.clustered() ? ", clustered as " + directory.selfId() : "");
        http = new HttpVerticle(config);
        Future<?> relay = directory.clustered() ? vertx.deployVerticle(new EventRelay()) : Future.succeededFuture();
        return relay
                .compose(v -> vertx.deployVerticle(new DirectoryVerticle()))
                .compose(v -> config.logEvents() ? vertx.deployVerticle(new EventSummaryLog()) : Future.succeededFuture())
                // Before the devices: it sees their first events.
                .compose(v -> config.mqtt().enabled() ? vertx.deployVerticle(new MqttPublisher(config))
                        : Future.succeededFuture())
                .compose(v -> config.devices().isEmpty() ? Future.succeededFuture()
                        : vertx.deployVerticle(devices = new DeviceVerticle(config),
                                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)))
                .compose(v -> vertx.deployVerticle(http));
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.port();
    }

    /** What the systemd watchdog checks before each ping, once this verticle is deployed. */
    public List<Watchdog.Check> livenessChecks() {
        List<Watchdog.Check> checks = new ArrayList<>();
        if (devices != null) {
            checks.add(new Watchdog.Check("device loop", devices::nextLoopTurn));
        }
        if (config.health().enabled()) {
            // The health listener answers for the bridge: probing the HTTP server itself would let clients
            // that hold all its connections get a healthy bridge restarted. Its event loop is checked apart.
            HttpProbe health = new HttpProbe(vertx, "127.0.0.1", http.healthPort(), false);
            checks.add(new Watchdog.Check("health listener", health::get));
            checks.add(new Watchdog.Check("HTTP server's event loop", http::nextTurn));
        } else {
            HttpProbe server = HttpProbe.of(vertx, config.http(), http.port());
            checks.add(new Watchdog.Check("HTTP server", server::get));
        }
        return checks;
    }
}
