// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The health listener ({@code health.port}): {@code /health} and
 * {@code /metrics} on loopback, for a supervisor or a monitor. Its
 * connections are its own and its event loop is its own (a verticle of its
 * own), so clients that hold every connection of the HTTP server, trickle
 * their headers or flood it with frames never keep the bridge's health from
 * being read. Plain HTTP: only this machine reaches it.
 */
final class HealthVerticle extends VerticleBase {
    static final String HOST = "127.0.0.1";
    /** Enough for a supervisor, a monitor and a person with curl. */
    private static final int MAX_CONNECTIONS = 16;
    /** Its clients are local programs: a request's headers come at once. */
    private static final int HEADER_TIMEOUT_MS = 2_000;

    private final BridgeConfig config;
    private HttpServer server;

    HealthVerticle(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        int port = config.health().port();
        ConnectionLimit limit = new ConnectionLimit(vertx, MAX_CONNECTIONS, HEADER_TIMEOUT_MS);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            limit.requestStarted(ctx.request());
            ctx.next();
        });
        router.route().failureHandler(HttpVerticle::failed);
        // A page of another site whose name resolves to 127.0.0.1 must not read it either.
        router.route().handler(new HostCheck(HOST, List.of()));
        router.route().handler(new SecurityHeaders());
        router.get("/health").handler(new RestApi(vertx, config, new StatusCache())::health);
        if (config.metrics().registry() != null) {
            router.get("/metrics").handler(PrometheusScrapingHandler.create());
        }
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setHttp2ClearTextEnabled(false)
                        .setIdleTimeout(HEADER_TIMEOUT_MS)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                .connectionHandler(limit)
                .requestHandler(router);
        return server.listen(port, HOST)
                .recover(e -> Future.failedFuture(new ConfigException("health.port", HOST + ":" + port
                        + (e instanceof BindException || String.valueOf(e.getMessage()).contains("in use")
                        ? " is already in use" : ": " + e.getMessage()))))
                .onSuccess(s -> System.getLogger(HealthVerticle.class.getName()).log(System.Logger.Level.INFO,
                        "health on http://{0}:{1,number,#}/health", HOST, s.actualPort()));
    }

    int port() {
        return server.actualPort();
    }
}
