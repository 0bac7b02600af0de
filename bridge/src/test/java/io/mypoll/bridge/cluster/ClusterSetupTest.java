package io.mypoll.bridge.cluster;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a node starts with, from conf/cluster.xml and the cluster settings. */
class ClusterSetupTest {

    private static BridgeConfig.ClusterOptions options(JsonObject cluster) {
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
}
