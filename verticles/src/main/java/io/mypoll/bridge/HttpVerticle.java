package io.mypoll.bridge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.BindException;

/** Serves the dashboard from {@code webroot/} on the configured address (loopback by default). */
public final class HttpVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());

    private final BridgeConfig config;
    private HttpServer server;

    public HttpVerticle(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route("/*").handler(StaticHandler.create("webroot"));
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

    /** The port the server listens on; differs from the configured one when that is 0. */
    public int port() {
        return server.actualPort();
    }
}
