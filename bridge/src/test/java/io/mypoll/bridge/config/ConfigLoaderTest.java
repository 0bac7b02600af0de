package io.mypoll.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

    @Test
    void environmentNamesAreSnakeCaseWithThePrefix() {
        assertEquals("MYPOLL_HTTP_PORT", ConfigLoader.envName("http.port"));
        assertEquals("MYPOLL_STATUS_INTERVAL_MS", ConfigLoader.envName("statusIntervalMs"));
        assertEquals("MYPOLL_NOTIFY", ConfigLoader.envName("notify"));
    }

    @Test
    void systemPropertiesWinOverEnvironmentWhichWinsOverFiles() {
        JsonObject merged = new JsonObject()
                .put("notify", "sigio")
                .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080))
                .put("MYPOLL_NOTIFY", "poll")
                .put("MYPOLL_HTTP_PORT", 9000)
                .put("mypoll.http.port", 9001)
                .put("java.version", "17");
        JsonObject config = ConfigLoader.applyOverrides(merged, List.of("notify", "http.host", "http.port"));
        assertEquals("poll", config.getString("notify"));
        assertEquals(9001, config.getJsonObject("http").getInteger("port"));
        assertEquals("127.0.0.1", config.getJsonObject("http").getString("host"));
        assertEquals(null, config.getValue("java.version"), "unrelated system properties stay out");
    }

    @Test
    void aConfFileOverridesTheDefaults(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, "{\"notify\": \"poll\", \"http\": {\"port\": 9123}}");
        JsonObject config = ConfigLoader.load(vertx, file.toString()).await();
        assertEquals("poll", config.getString("notify"));
        assertEquals(9123, config.getJsonObject("http").getInteger("port"));
        assertEquals("127.0.0.1", config.getJsonObject("http").getString("host"), "defaults stay where not overridden");
    }

    @Test
    void everyClusterSettingCanBeOverriddenBySystemProperty(Vertx vertx) {
        System.setProperty("mypoll.cluster.enabled", "true");
        System.setProperty("mypoll.cluster.members", "10.0.0.1,10.0.0.2");
        try {
            BridgeConfig.ClusterOptions cluster = BridgeConfig.from(ConfigLoader.load(vertx, null).await()).cluster();
            assertTrue(cluster.enabled());
            assertEquals(List.of("10.0.0.1", "10.0.0.2"), cluster.members());
        } finally {
            System.clearProperty("mypoll.cluster.enabled");
            System.clearProperty("mypoll.cluster.members");
        }
    }

    @Test
    void clusterSettingsHaveEnvironmentNames() {
        assertEquals("MYPOLL_CLUSTER_MEMBERS", ConfigLoader.envName("cluster.members"));
        assertEquals("MYPOLL_CLUSTER_FAILURE_TIMEOUT_SECONDS", ConfigLoader.envName("cluster.failureTimeoutSeconds"));
    }

    @Test
    void aMissingConfFileIsNamed(Vertx vertx) {
        Throwable e = ConfigLoader.load(vertx, "/nonexistent/x.json")
                .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
        assertTrue(e instanceof ConfigException);
        assertTrue(e.getMessage().startsWith("/nonexistent/x.json: cannot be read"), e.getMessage());
    }
}
