package io.mypoll.bridge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * Starts the bridge: {@code java -jar mypoll-bridge.jar [-conf FILE] [--cluster]}.
 * A configuration the bridge cannot run with ends it with one line naming
 * the key, and exit status 2.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
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
        // The settings are read with a plain Vert.x; a clustered one is made only when they ask for it.
        Vertx reader = Vertx.vertx();
        JsonObject config;
        BridgeConfig checked;
        try {
            config = ConfigLoader.load(reader, confFile).await();
            if (forceCluster) {
                JsonObject section = config.getValue("cluster") instanceof JsonObject o ? o : new JsonObject();
                config.put("cluster", section.put("enabled", true));
            }
            checked = BridgeConfig.from(config);
        } catch (Exception e) {
            reader.close().await();
            exit(2, e instanceof ConfigException ? e.getMessage() : "cannot start: " + e);
            return;
        }
        Vertx vertx;
        if (checked.cluster().enabled()) {
            reader.close().await();
            try {
                vertx = ClusterSetup.start(checked.cluster()).await();
            } catch (Exception e) {
                exit(2, e instanceof ConfigException ? e.getMessage() : "cannot join the cluster: " + e);
                return;
            }
        } else {
            vertx = reader;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        vertx.deployVerticle(new BridgeVerticle(), new DeploymentOptions().setConfig(config))
                .onFailure(e -> {
                    String message = e instanceof ConfigException ? e.getMessage()
                            : "cannot start: " + e;
                    vertx.close().onComplete(v -> exit(2, message));
                });
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
