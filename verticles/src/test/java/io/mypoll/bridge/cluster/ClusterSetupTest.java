// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.cluster;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ClusterOptions;
import io.mypoll.bridge.config.ConfigException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a node starts with, from conf/cluster.xml and the cluster settings. */
class ClusterSetupTest {

    private static ClusterOptions options(JsonObject cluster) {
        return BridgeConfig.from(new JsonObject().put("cluster", cluster.put("enabled", true))).cluster();
    }

    @Test
    void theBuiltInConfigurationJoinsOnlyLoopbackOverTcp() throws Exception {
        Config config = ClusterSetup.hazelcastConfig(options(new JsonObject()));
        JoinConfig join = config.getNetworkConfig().getJoin();
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1"), join.getTcpIpConfig().getMembers());
        assertFalse(join.getMulticastConfig().isEnabled());
        assertTrue(config.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("mypoll", config.getClusterName());
    }

    @Test
    void hazelcastsShutdownHookIsOffSoThatVertxLeavesTheClusterFirst() throws Exception {
        Config config = ClusterSetup.hazelcastConfig(options(new JsonObject()));
        assertEquals("false", config.getProperty("hazelcast.shutdownhook.enabled"));
    }

    @Test
    void membersInterfacesNameAndFailureTimeoutReplaceTheFiles() throws Exception {
        Config config = ClusterSetup.hazelcastConfig(options(new JsonObject()
                .put("name", "plant-a")
                .put("members", new JsonArray().add("192.168.1.10").add("192.168.1.11"))
                .put("interfaces", "192.168.1.*")
                .put("failureTimeoutSeconds", 10)));
        assertEquals(List.of("192.168.1.10", "192.168.1.11"),
                config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertEquals(List.of("192.168.1.*"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("plant-a", config.getClusterName());
        assertEquals("10", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
        assertEquals("2", config.getProperty("hazelcast.heartbeat.interval.seconds"));
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Throwable e = ClusterSetup.start(options(new JsonObject().put("configFile", "/nonexistent/cluster.xml")))
                .transform(ar -> Future.succeededFuture(ar.cause())).await();
        assertTrue(e instanceof ConfigException, String.valueOf(e));
        assertEquals("cluster.configFile: cannot read /nonexistent/cluster.xml: no such file", e.getMessage());
    }

    @Test
    void withTlsTheEventBusShowsItsCertificateAndRequiresThePeers() {
        var bus = ClusterSetup.eventBusOptions(options(new JsonObject().put("tls", new JsonObject()
                .put("certFile", "/etc/mypoll-bridge/node.pem").put("keyFile", "/etc/mypoll-bridge/node.key")
                .put("trustFile", "/etc/mypoll-bridge/cluster-ca.pem"))));
        assertTrue(bus.isSsl());
        assertEquals(io.vertx.core.http.ClientAuth.REQUIRED, bus.getClientAuth());
        var keyCert = (io.vertx.core.net.PemKeyCertOptions) bus.getKeyCertOptions();
        assertEquals(List.of("/etc/mypoll-bridge/node.pem"), keyCert.getCertPaths());
        var trust = (io.vertx.core.net.PemTrustOptions) bus.getTrustOptions();
        assertEquals(List.of("/etc/mypoll-bridge/cluster-ca.pem"), trust.getCertPaths());
        assertFalse(ClusterSetup.eventBusOptions(options(new JsonObject())).isSsl(), "plain TCP without tls");
    }

    @Test
    void clusterTlsNeedsItsThreeFiles() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> options(new JsonObject().put("tls", new JsonObject().put("certFile", "a.pem")
                        .put("keyFile", "a.key"))));
        assertEquals("cluster.tls.trustFile: missing: TLS needs certFile, keyFile and trustFile", e.getMessage());
    }

    @Test
    void twoNodesWithTlsExchangeMessages(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", dir.resolve("node.key").toString(), "-out", dir.resolve("node.pem").toString())
                .redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor(), "openssl");
        JsonObject tls = new JsonObject().put("certFile", dir.resolve("node.pem").toString())
                .put("keyFile", dir.resolve("node.key").toString()).put("trustFile", dir.resolve("node.pem").toString());
        ClusterOptions cluster = options(new JsonObject().put("name", "tls-" + System.nanoTime())
                .put("failureTimeoutSeconds", 5).put("tls", tls));
        io.vertx.core.Vertx a = ClusterSetup.start(cluster).await();
        io.vertx.core.Vertx b = null;
        try {
            b = ClusterSetup.start(cluster).await();
            a.eventBus().consumer("tls.echo", m -> m.reply("from a: " + m.body())).completion().await();
            io.vertx.core.Vertx member = b;
            // Until the members see each other, a request fails with no handlers: that is not the answer yet.
            String reply = await("a's answer through the TLS cluster").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> member.eventBus().<String>request("tls.echo", "hello",
                            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2_000)).await().body(),
                            body -> body != null);
            assertEquals("from a: hello", reply);
        } finally {
            if (b != null) {
                b.close().await();
            }
            a.close().await();
        }
    }

    @Test
    void aClusteredNodeKeepsThePrometheusRegistryOfItsMetricsOptions() throws Exception {
        BridgeConfig config = BridgeConfig.from(new JsonObject().put("devices", new JsonArray())
                .put("cluster", new JsonObject().put("enabled", true).put("name", "metrics-" + System.nanoTime())));
        io.vertx.core.Vertx vertx = ClusterSetup.start(config.cluster(), io.mypoll.bridge.Main.vertxOptions(config))
                .await();
        try {
            // /metrics reads this registry; with the options lost it was Micrometer's composite default.
            assertTrue(config.metrics().registry().getClass().getSimpleName().startsWith("Prometheus"),
                    "the registry: " + config.metrics().registry());
        } finally {
            vertx.close().await();
        }
    }
}
