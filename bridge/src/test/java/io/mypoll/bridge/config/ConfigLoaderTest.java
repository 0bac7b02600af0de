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
        JsonObject files = new JsonObject()
                .put("notify", "sigio")
                .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080));
        JsonObject flat = new JsonObject()
                .put("MYPOLL_NOTIFY", "poll")
                .put("MYPOLL_HTTP_PORT", 9000)
                .put("mypoll.http.port", 9001)
                .put("java.version", "17")
                .put("basedir", "/somewhere");
        JsonObject config = ConfigLoader.applyOverrides(files, flat, List.of("notify", "http.host", "http.port"));
        assertEquals("poll", config.getString("notify"));
        assertEquals(9001, config.getJsonObject("http").getInteger("port"));
        assertEquals("127.0.0.1", config.getJsonObject("http").getString("host"));
        assertEquals(java.util.Set.of("notify", "http"), config.fieldNames(), "unrelated system properties stay out");
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
    void aMissingConfFileIsNamedAndSaysSo(Vertx vertx) {
        assertEquals("/nonexistent/x.json: no such file", loadError(vertx, "/nonexistent/x.json"));
    }

    @Test
    void aConfFileThatIsADeviceIsRefusedWithoutReadingIt(Vertx vertx) {
        assertEquals("/dev/zero: is not a regular file", loadError(vertx, "/dev/zero"));
    }

    @Test
    void aConfFileOverOneMebibyteIsRefused(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.json");
        Files.write(file, new byte[(1 << 20) + 1]);
        assertEquals(file + ": is 1048577 bytes; a settings file is at most 1048576", loadError(vertx, file.toString()));
    }

    @Test
    void invalidJsonIsOneLineNamingTheFile(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"http\": {\"port\": 80,}\n}\n");
        String message = loadError(vertx, file.toString());
        assertTrue(message.startsWith(file + ": is not a JSON object: "), message);
        assertEquals(-1, message.indexOf('\n'), "one line: " + message);
    }

    @Test
    void anUnknownKeyIsNamedWithTheKnownOnes(Vertx vertx, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.json");
        Files.writeString(file, "{\"http\": {\"prot\": 9090}}");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> BridgeConfig.from(ConfigLoader.load(vertx, file.toString()).await()));
        assertTrue(e.getMessage().startsWith("http.prot: unknown key (known here: allowedHosts, allowedOrigins, auth,"),
                e.getMessage());
    }

    private static String loadError(Vertx vertx, String file) {
        Throwable e = ConfigLoader.load(vertx, file).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
                .await();
        assertTrue(e instanceof ConfigException, String.valueOf(e));
        return e.getMessage();
    }
}
