// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.mypoll.bridge.config.ClusterOptions;
import io.mypoll.bridge.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Starts a clustered Vert.x with Hazelcast, from conf/cluster.xml and the {@code cluster} settings. */
public final class ClusterSetup {
    private static final String DEFAULT_FILE = "conf/cluster.xml";

    private ClusterSetup() {
    }

    public static Future<Vertx> start(ClusterOptions options) {
        return start(options, new VertxOptions());
    }

    /** @param vertxOptions the options besides the event bus's, which {@code options} sets */
    public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
        Config hazelcast;
        try {
            hazelcast = hazelcastConfig(options);
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(new ConfigException("cluster.configFile",
                    "cannot read " + (file(options) == null ? "the built-in " + DEFAULT_FILE : file(options)) + ": "
                            + (e instanceof NoSuchFileException ? "no such file" : e.getMessage())));
        }
        return Vertx.builder()
                // The copy constructor turns MicrometerMetricsOptions into plain MetricsOptions (no Prometheus
                // registry, so /metrics failed with 500 on clustered nodes): the metrics options are set again.
                .with(new VertxOptions(vertxOptions).setMetricsOptions(vertxOptions.getMetricsOptions())
                        .setEventBusOptions(eventBusOptions(options)))
                .withClusterManager(new HazelcastClusterManager(hazelcast))
                .buildClustered();
    }

    /**
     * The event bus between nodes: its address, and with {@code cluster.tls}
     * TLS both ways, each node showing its certificate and accepting only the
     * ones its trust file holds.
     */
    static EventBusOptions eventBusOptions(ClusterOptions options) {
        EventBusOptions bus = new EventBusOptions().setHost(options.host()).setPort(options.port());
        if (options.publicHost() != null) {
            bus.setClusterPublicHost(options.publicHost());
        }
        if (options.tls() != null) {
            bus.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tls().certFile())
                            .setKeyPath(options.tls().keyFile()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(options.tls().trustFile()))
                    .setClientAuth(ClientAuth.REQUIRED);
        }
        return bus;
    }

    /** cluster.configFile, else conf/cluster.xml in the working directory; null for the copy in the jar. */
    static Path file(ClusterOptions options) {
        if (options.configFile() != null) {
            return Path.of(options.configFile());
        }
        Path local = Path.of(DEFAULT_FILE);
        return Files.isRegularFile(local) ? local : null;
    }

    static Config hazelcastConfig(ClusterOptions options) throws IOException {
        Path file = file(options);
        Config config;
        try (InputStream in = file == null ? ClusterSetup.class.getResourceAsStream("/" + DEFAULT_FILE)
                : Files.newInputStream(file)) {
            if (in == null) {
                throw new IOException("not in the jar");
            }
            config = new XmlConfigBuilder(in).build();
        }
        config.setClusterName(options.name());
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(options.failureTimeoutSeconds()));
        // Heartbeats several times per timeout, so that one late heartbeat is not a failure.
        config.setProperty("hazelcast.heartbeat.interval.seconds",
                Integer.toString(Math.max(1, options.failureTimeoutSeconds() / 5)));
        JoinConfig join = config.getNetworkConfig().getJoin();
        if (!options.members().isEmpty()) {
            join.getMulticastConfig().setEnabled(false);
            join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
        }
        if (!options.interfaces().isEmpty()) {
            config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(options.interfaces());
        }
        return config;
    }
}
