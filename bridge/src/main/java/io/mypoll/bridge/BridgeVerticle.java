package io.mypoll.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;

/**
 * The application: checks its configuration (this verticle's config()) and
 * deploys the device directory, the device verticle (a worker, when the node
 * has devices), the HTTP verticle, when {@code logEvents} is on the example
 * consumer, and in a cluster the relay of other nodes' events.
 */
public final class BridgeVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(BridgeVerticle.class.getName());
    private HttpVerticle http;

    @Override
    public Future<?> start() {
        BridgeConfig config;
        try {
            config = BridgeConfig.from(config());
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        DeviceDirectory directory = new DeviceDirectory(vertx);
        LOG.log(System.Logger.Level.INFO, "node {0}: {1} device(s), notify {2}, HTTP on {3}:{4,number,#}{5}",
                config.node(), config.devices().size(), config.notifyMode().label(), config.httpHost(),
                config.httpPort(), directory.clustered() ? ", clustered as " + directory.selfId() : "");
        http = new HttpVerticle(config);
        Future<?> relay = directory.clustered() ? vertx.deployVerticle(new EventRelay()) : Future.succeededFuture();
        return relay
                .compose(v -> vertx.deployVerticle(new DirectoryVerticle()))
                .compose(v -> config.logEvents() ? vertx.deployVerticle(new EventLogger()) : Future.succeededFuture())
                .compose(v -> config.devices().isEmpty() ? Future.succeededFuture()
                        : vertx.deployVerticle(new DeviceVerticle(config),
                                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)))
                .compose(v -> vertx.deployVerticle(http));
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.port();
    }
}
