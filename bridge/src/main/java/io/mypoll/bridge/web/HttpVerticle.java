package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.SocketStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.BindException;

/**
 * Serves the dashboard ({@code webroot/}), the SockJS endpoint of the event bus at
 * {@code /eventbus}, the REST API under {@code /api} and {@code /health}, on
 * the configured address (loopback by default).
 */
public final class HttpVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());
    static final long STATIC_MAX_AGE_SECONDS = 300;

    private final BridgeConfig config;
    private final SockJsEndpoint sockJs = new SockJsEndpoint();
    private final StatusCache status = new StatusCache();
    private HttpServer server;

    public HttpVerticle(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        OriginCheck originCheck = new OriginCheck(config.bridge().allowedOrigins());
        router.route("/eventbus/*").handler(originCheck);
        router.route("/api/*").handler(originCheck);
        router.route("/eventbus/*").subRouter(sockJs.router(vertx, config.bridge()));
        new RestApi(vertx, config, status).mount(router);
        router.route("/*").handler(StaticHandler.create("webroot")
                .setCachingEnabled(true)
                .setMaxAgeSeconds(STATIC_MAX_AGE_SECONDS));

        vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> status.onStatus(m.body()));
        vertx.setPeriodic(config.statusIntervalMs(), id -> publishSocketStatus());

        server = vertx.createHttpServer();
        return server.requestHandler(router)
                .listen(config.httpPort(), config.httpHost())
                .recover(e -> Future.failedFuture(e instanceof BindException || String.valueOf(e.getMessage())
                        .contains("Address already in use")
                        ? new ConfigException("http.port", config.httpHost() + ":" + config.httpPort()
                                + " is already in use")
                        : new ConfigException("http.host", "cannot listen on " + config.httpHost() + ":"
                                + config.httpPort() + ": " + e.getMessage())))
                .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "serving http://{0}:{1,number,#}/",
                        config.httpHost(), s.actualPort()));
    }

    /** mypoll.sockets: this node's SockJS sockets and the messages dropped for slow ones. */
    private void publishSocketStatus() {
        int sockets = sockJs.sockets();
        long dropped = sockJs.dropped();
        status.sockets(new JsonObject().put("sockets", sockets).put("dropped", dropped));
        vertx.eventBus().publish(Addresses.SOCKETS,
                SocketStatus.of(config.node(), config.statusIntervalMs(), sockets, dropped));
    }

    /** The port the server listens on; differs from the configured one when that is 0. */
    public int port() {
        return server.actualPort();
    }

    /** Messages dropped for slow SockJS sockets so far. */
    long dropped() {
        return sockJs.dropped();
    }
}
