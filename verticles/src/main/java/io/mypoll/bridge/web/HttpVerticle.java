// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.HttpOptions;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.config.TcpOptions;
import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.mypoll.bridge.logging.LogText;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves the dashboard ({@code webroot/}), the SockJS endpoint of the event
 * bus at {@code /eventbus}, the REST API under {@code /api},
 * {@code /health} and, with metrics on, {@code /metrics}, on the configured
 * address (loopback by default), and with {@code tcp.enabled} the TCP endpoint
 * of the event bus ({@link TcpEndpoint}, on this verticle's event loop too);
 * its {@link SocketStatusPublisher} publishes {@code mypoll.sockets}.
 *
 * <p>Every request passes, in order: the Host check (DNS rebinding), the
 * security headers, the Origin check ({@code /eventbus}, {@code /api},
 * {@code /metrics}), and
 * where a token is configured, authentication (all but {@code /health}).
 */
public final class HttpVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());
    /** The dashboard's files; anything else of webroot/ (npm's files, a checkout's others) is not served. */
    static final String DASHBOARD_FILES = "/|/index\\.html|/app\\.js|/style\\.css|/js/[a-z-]+\\.js"
            + "|/lib/[A-Za-z0-9.-]+\\.(js|css|map)";

    private final BridgeConfig config;
    private final StatusCache status = new StatusCache();
    private ConnectionLimit limit;
    private HealthVerticle health;
    private SockJsEndpoint sockJs;
    /** Null while tcp.enabled is off. */
    private TcpEndpoint tcp;
    /** Null without http.auth.tokenFile. */
    private TokenAuthentication token;
    private int tcpPort = -1;
    private HttpServer server;
    /** Where /metrics reads; null without metrics. */
    private MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    public HttpVerticle(BridgeConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        HttpOptions http = config.http();
        registry = config.metrics().registry();
        Router router;
        HttpServerOptions options;
        try {
            options = serverOptions(http);
            token = http.authTokenFile() == null ? null : TokenAuthentication.fromFile(http.authTokenFile());
            tcp = config.tcp().enabled() ? new TcpEndpoint(vertx, config, token) : null;
            router = router(http);
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> status.onStatus(m.body()));
        new SocketStatusPublisher(vertx, config.node(), config.statusIntervalMs(), sockJs, tcp, status).start();

        InboundDeflate inflation = new InboundDeflate(config.bridge().maxFrameBytes());
        server = vertx.createHttpServer(options).connectionHandler(connection -> {
            limit.handle(connection);
            inflation.install(connection);
            FlushConsolidation.install(connection);
        });
        String scheme = http.tls() == null ? "http" : "https";
        return server.requestHandler(router)
                .listen(http.port(), http.host())
                .recover(e -> Future.failedFuture(e instanceof BindException || String.valueOf(e.getMessage())
                        .contains("Address already in use")
                        ? new ConfigException("http.port", http.host() + ":" + http.port() + " is already in use")
                        : new ConfigException(http.tls() == null ? "http.host" : "http.tls", "cannot listen on "
                                + http.host() + ":" + http.port() + ": " + e.getMessage())))
                .onSuccess(s -> {
                    LOG.log(System.Logger.Level.INFO, "serving {0}://{1}:{2,number,#}/", scheme, http.host(),
                            s.actualPort());
                    if (!http.loopback() && (http.tls() == null || http.authTokenFile() == null)) {
                        LOG.log(System.Logger.Level.WARNING, "http.insecure: {0} is reachable from other machines "
                                + "without {1}", http.host(), http.tls() == null ? "TLS" : "authentication");
                    }
                })
                .compose(s -> tcp == null ? Future.succeededFuture() : listenTcp())
                .compose(s -> config.health().enabled() ? vertx.deployVerticle(health = new HealthVerticle(config))
                        : Future.succeededFuture());
    }

    private Future<Integer> listenTcp() {
        TcpOptions options = config.tcp();
        return tcp.listen()
                .recover(e -> Future.failedFuture(e instanceof BindException || String.valueOf(e.getMessage())
                        .contains("Address already in use")
                        ? new ConfigException("tcp.port", options.host() + ":" + options.port() + " is already in use")
                        : new ConfigException("tcp.host", "cannot listen on " + options.host() + ":"
                                + options.port() + ": " + e.getMessage())))
                .onSuccess(port -> {
                    tcpPort = port;
                    LOG.log(System.Logger.Level.INFO, "serving the TCP event-bus bridge on {0}{1}:{2,number,#}",
                            config.http().tls() == null ? "" : "TLS ", options.host(), port);
                    if (!options.loopback() && (config.http().tls() == null || token == null)) {
                        LOG.log(System.Logger.Level.WARNING, "tcp.insecure: {0} is reachable from other machines "
                                + "without {1}", options.host(), config.http().tls() == null ? "TLS" : "the token");
                    }
                });
    }

    private HttpServerOptions serverOptions(HttpOptions http) {
        int frame = config.bridge().maxFrameBytes();
        HttpServerOptions options = new HttpServerOptions()
                // No h2c: its protocol detection waits for the first bytes, and a connection that sends
                // none would never reach the connection limit.
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(http.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxWebSocketFrameSize(frame)
                .setMaxWebSocketMessageSize(frame)
                // permessage-deflate is offered, inbound only and bounded (InboundDeflate replaces the
                // handler this installs). Request bodies are never inflated (no decompression), and
                // responses are not deflated: the CPU costs more than the bytes saved are worth.
                .setPerMessageWebSocketCompressionSupported(true)
                .setPerFrameWebSocketCompressionSupported(false)
                .setCompressionSupported(false)
                .setDecompressionSupported(false);
        if (http.tls() != null) {
            options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(http.tls().certFile()).setKeyPath(http.tls().keyFile()));
        }
        return options;
    }

    private Router router(HttpOptions http) {
        limit = new ConnectionLimit(vertx, http.maxConnections(), http.headerTimeoutSeconds() * 1000L);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            limit.requestStarted(ctx.request());
            ctx.next();
        });
        router.route().failureHandler(HttpVerticle::failed);
        router.route().handler(new HostCheck(http.host(), http.allowedHosts()));
        router.route().handler(new SecurityHeaders());
        router.route().handler(HttpVerticle::identityEncodingOnly);
        OriginCheck originCheck = new OriginCheck(http.allowedOrigins());
        router.route("/eventbus/*").handler(originCheck);
        router.route("/api/*").handler(originCheck);
        router.route("/metrics").handler(originCheck);
        if (token != null) {
            BasicAuthHandler auth = BasicAuthHandler.create(token, "mypoll-bridge");
            router.routeWithRegex("^/(?!health$).*").handler(auth);
        }
        // SockJS's XHR transports (for browsers behind proxies that block WebSockets) read their body here.
        router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(config.bridge().maxFrameBytes()));
        sockJs = new SockJsEndpoint(vertx, config.bridge(), http.maxConnections());
        router.route("/eventbus/*").subRouter(sockJs.router(vertx));
        new RestApi(vertx, config, status).mount(router);
        if (registry != null) {
            router.get("/metrics").handler(PrometheusScrapingHandler.create());
            registerMeters();
        }
        router.routeWithRegex(DASHBOARD_FILES).handler(StaticHandler.create("webroot").setCachingEnabled(false));
        return router;
    }

    /**
     * A request that failed: its status and reason, and a line in the log only for the bridge's own errors
     * (500). Without this, vertx-web logs every failure (a wrong token, a body over the limit) as SEVERE.
     */
    static void failed(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 500) {
            LOG.log(System.Logger.Level.WARNING, "request failed: " + ctx.request().method() + " "
                    + LogText.printable(ctx.request().path()), ctx.failure());
        }
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(HttpResponseStatus.valueOf(status).reasonPhrase() + "\n");
        }
    }

    /**
     * A body the client compressed is refused, not inflated: inflating it is work and memory the client
     * chooses (a small body can inflate to gigabytes).
     */
    private static void identityEncodingOnly(RoutingContext ctx) {
        String encoding = ctx.request().getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            ctx.response().setStatusCode(415).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("Content-Encoding " + LogText.printable(encoding) + " is not accepted: send the body as is\n");
            return;
        }
        ctx.next();
    }

    /** The bridge's own: read by the scrape, which runs on this verticle's event loop like the endpoint. */
    private void registerMeters() {
        meters.add(Gauge.builder("mypoll.bridge.connections", this, v -> v.limit.open())
                .description("Open connections of the HTTP server (http.maxConnections at most; "
                        + "the health listener's are not counted)").register(registry));
        meters.add(FunctionCounter.builder("mypoll.bridge.connections.refused", this, v -> v.limit.refused())
                .description("Connections closed at once: http.maxConnections were open").register(registry));
        meters.add(FunctionCounter.builder("mypoll.bridge.header.timeouts", this, v -> v.limit.headerTimeouts())
                .description("Connections closed because a request's headers did not arrive within "
                        + "http.headerTimeoutSeconds").register(registry));
        meters.add(Gauge.builder("mypoll.bridge.sockets", sockJs, SockJsEndpoint::sockets)
                .description("Open SockJS bridge sockets").register(registry));
        meters.add(FunctionCounter.builder("mypoll.bridge.sockets.idle.closed", sockJs, SockJsEndpoint::idleClosed)
                .description("Bridge sockets closed because too many had registered nothing").register(registry));
        meters.add(FunctionCounter.builder("mypoll.bridge.dropped", this, HttpVerticle::dropped)
                .description("Messages dropped for bridge sockets (SockJS and TCP) that could not take them")
                .register(registry));
        if (tcp != null) {
            meters.add(Gauge.builder("mypoll.bridge.tcp.sockets", tcp, TcpEndpoint::sockets)
                    .description("Open sockets of the TCP event-bus bridge").register(registry));
            meters.add(FunctionCounter.builder("mypoll.bridge.tcp.connections.refused", tcp, TcpEndpoint::refused)
                    .description("TCP bridge sockets closed at once: tcp.maxConnections were open")
                    .register(registry));
        }
    }

    @Override
    public Future<?> stop() {
        // Not registry::remove: that would dereference a null registry (metrics off) at once.
        meters.forEach(meter -> registry.remove(meter));
        return Future.succeededFuture();
    }

    /** The port the server listens on; differs from the configured one when that is 0. */
    public int port() {
        return server.actualPort();
    }

    /** Completes on this verticle's event loop: the loop that serves every request is turning. */
    public Future<Void> nextTurn() {
        io.vertx.core.Promise<Void> turned = io.vertx.core.Promise.promise();
        context.runOnContext(v -> turned.complete());
        return turned.future();
    }

    /** The health listener's port; -1 without one. */
    public int healthPort() {
        return health == null ? -1 : health.port();
    }

    /** Open connections of the HTTP server (not the health listener's). */
    int connections() {
        return limit.open();
    }

    /**
     * The Netty pipeline of the open connection whose client is at that address, handed over on this
     * verticle's event loop (where a handler added to it takes effect before the loop's next task); fails
     * when there is none. For tests that watch what a connection writes.
     */
    Future<ChannelPipeline> pipelineOf(SocketAddress client) {
        io.vertx.core.Promise<ChannelPipeline> pipeline = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            if (limit.from(client) instanceof ConnectionBase connection) {
                pipeline.complete(connection.channel().pipeline());
            } else {
                pipeline.fail("no open connection from " + client);
            }
        });
        return pipeline.future();
    }

    /** Messages dropped for slow bridge sockets (SockJS and TCP) so far. */
    long dropped() {
        return sockJs.dropped() + (tcp == null ? 0 : tcp.dropped());
    }

    /** The TCP endpoint's port; -1 while it is off. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Open sockets of the TCP endpoint (0 while it is off), counted on this verticle's event loop. */
    Future<Integer> tcpSockets() {
        io.vertx.core.Promise<Integer> sockets = io.vertx.core.Promise.promise();
        context.runOnContext(v -> sockets.complete(tcp == null ? 0 : tcp.sockets()));
        return sockets.future();
    }
}
