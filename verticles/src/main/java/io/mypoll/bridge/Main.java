// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import io.mypoll.bridge.cluster.ClusterSetup;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.config.ConfigLoader;
import io.mypoll.bridge.device.DeviceOpenException;
import io.mypoll.bridge.service.ExitOnUncaughtException;
import io.mypoll.bridge.service.SystemdNotifier;
import io.mypoll.bridge.service.Watchdog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.LogManager;

/**
 * Starts the bridge: {@code java -jar mypoll-bridge.jar [-conf FILE] [--cluster]}.
 * A configuration the bridge cannot run with ends it with one line naming
 * the key, and exit status 2.
 *
 * <p>Not Vert.x 5's {@code VertxApplication}: its {@code -conf} is one file
 * or inline JSON that it parses itself, where the bridge's settings are four
 * vertx-config layers (defaults, files, environment, system properties) that
 * must be read before Vert.x is made, since they decide whether it is
 * clustered; and it reports failures with its own usage text and exit codes
 * (such as 15 for a failed deployment), where the bridge prints one line
 * naming the key and exits with 2, as service managers and scripts expect.
 */
public final class Main {
    private Main() {
    }

    /** How long the shutdown hook waits for Vert.x to close before the process halts anyway. */
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    public static void main(String[] args) {
        configureLogging();
        Thread.setDefaultUncaughtExceptionHandler(new ExitOnUncaughtException());
        String confFile = null;
        boolean cluster = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-conf", "--conf" -> {
                    if (i + 1 == args.length) {
                        exit(2, "-conf needs a file");
                    }
                    confFile = args[++i];
                }
                case "-cluster", "--cluster" -> cluster = true;
                case "-h", "--help" -> {
                    System.out.println("usage: mypoll-bridge [-conf FILE] [--cluster]");
                    System.out.println("  settings: conf/config.json, then FILE, then MYPOLL_<KEY> environment"
                            + " variables, then -Dmypoll.<key> system properties");
                    return;
                }
                default -> exit(2, "unknown argument '" + args[i] + "' (usage: mypoll-bridge [-conf FILE] [--cluster])");
            }
        }
        boolean forceCluster = cluster;
        // The settings are read with a plain Vert.x; the bridge's own is made from them.
        Vertx reader = Vertx.vertx();
        BridgeConfig checked;
        try {
            JsonObject config = ConfigLoader.load(reader, confFile).await();
            if (forceCluster) {
                JsonObject section = config.getValue("cluster") instanceof JsonObject o ? o : new JsonObject();
                config.put("cluster", section.put("enabled", true));
            }
            checked = BridgeConfig.from(config);
            requirePortFree("http.port", checked.http().host(), checked.http().port());
            if (checked.tcp().enabled()) {
                requirePortFree("tcp.port", checked.tcp().host(), checked.tcp().port());
            }
        } catch (Exception e) {
            reader.close().await();
            exit(2, e instanceof ConfigException ? e.getMessage() : "cannot start: " + e);
            return;
        }
        // Metrics and clustering can only be chosen when a Vert.x is made.
        reader.close().await();
        VertxOptions options = vertxOptions(checked);
        Vertx vertx;
        if (checked.cluster().enabled()) {
            try {
                vertx = ClusterSetup.start(checked.cluster(), options).await();
            } catch (Exception e) {
                exit(2, e instanceof ConfigException ? e.getMessage() : "cannot join the cluster: " + e);
                return;
            }
        } else {
            vertx = Vertx.vertx(options);
        }
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, systemd)));
        BridgeVerticle bridge = new BridgeVerticle(checked);
        // Ready for systemd once serving: the watchdog says so when deployed after the bridge.
        vertx.deployVerticle(bridge)
                .compose(id -> vertx.deployVerticle(new Watchdog(systemd, bridge.livenessChecks())))
                .onFailure(e -> {
                    String message = e instanceof ConfigException || e instanceof DeviceOpenException ? e.getMessage()
                            : "cannot start: " + e;
                    vertx.close().onComplete(v -> exit(2, message));
                });
    }

    /**
     * With {@code metrics.enabled}, Vert.x's own metrics (event bus, HTTP server and client, pools) and the
     * JVM's (memory, GC, threads) in a Prometheus registry, which the bridge's meters join and
     * {@code /metrics} serves. Vert.x's default labels keep their number bounded: no address or path label.
     */
    public static VertxOptions vertxOptions(BridgeConfig config) {
        VertxOptions options = new VertxOptions();
        if (config.metrics().enabled()) {
            options.setMetricsOptions(new MicrometerMetricsOptions()
                    .setEnabled(true)
                    .setJvmMetricsEnabled(true)
                    .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
        }
        return options;
    }

    /**
     * A second bridge on a port in use stops here, with the one line naming
     * {@code http.port} (or {@code tcp.port}), before it joins a cluster or opens a device (the HTTP
     * server binds last). Only a probe: a port taken between it and the bind is
     * still reported by the HTTP verticle, as are other listen failures.
     */
    private static void requirePortFree(String key, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use")) {
                throw new ConfigException(key, host + ":" + port + " is already in use");
            }
        } catch (IOException e) {
            // Not this probe's to report: the HTTP verticle names the problem when it listens.
        }
    }

    /**
     * The shutdown hook: Vert.x closes (the devices, the sockets, a cluster
     * node's leaving), but a wedged thread must not keep the process from
     * ending, so it halts after {@value #CLOSE_TIMEOUT_SECONDS} s.
     */
    private static void stop(Vertx vertx, SystemdNotifier systemd) {
        ExitOnUncaughtException.stopping();
        systemd.notify("STOPPING=1");
        try {
            vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("mypoll-bridge: Vert.x did not close within " + CLOSE_TIMEOUT_SECONDS
                    + " s; exiting without it");
            Runtime.getRuntime().halt(ExitOnUncaughtException.STATUS);
        }
    }

    private static void exit(int status, String message) {
        System.err.println("mypoll-bridge: " + message);
        System.exit(status);
    }

    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream in = Main.class.getResourceAsStream("/conf/logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            System.err.println("mypoll-bridge: logging configuration not read: " + e.getMessage());
        }
    }
}
