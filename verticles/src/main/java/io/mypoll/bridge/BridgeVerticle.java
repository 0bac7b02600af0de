package io.mypoll.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;

/**
 * The application: checks its configuration (this verticle's config()) and
 * deploys the device verticle (a worker), the HTTP verticle and, when
 * {@code logEvents} is on, the example consumer.
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
        LOG.log(System.Logger.Level.INFO, "node {0}: {1} device(s), notify {2}, HTTP on {3}:{4,number,#}",
                config.node(), config.devices().size(), config.notifyMode().label(), config.httpHost(),
                config.httpPort());
        http = new HttpVerticle(config);
        Future<?> logger = config.logEvents()
                ? vertx.deployVerticle(new EventLogger())
                : Future.succeededFuture();
        return logger
                .compose(v -> vertx.deployVerticle(new DeviceVerticle(config),
                        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)))
                .compose(v -> vertx.deployVerticle(http));
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.port();
    }
}
