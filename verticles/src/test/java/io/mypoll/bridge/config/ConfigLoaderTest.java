// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
            ClusterOptions cluster = BridgeConfig.from(ConfigLoader.load(vertx, null).await()).cluster();
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

    private static String overrideError(Set<String> environment, Set<String> properties) {
        return assertThrows(ConfigException.class,
                () -> OverrideNames.check(environment, properties, BridgeConfig.defaults())).getMessage();
    }

    @Test
    void anUnknownPropertyIsNamedWithTheKnownKeysOfItsSection() {
        String message = overrideError(Set.of(), Set.of("mypoll.http.prot"));
        assertTrue(message.startsWith("mypoll.http.prot: unknown key (known here: allowedHosts, allowedOrigins, "
                + "auth, headerTimeoutSeconds, host,"), message);
    }

    @Test
    void anUnknownTopLevelPropertyIsNamedWithTheTopLevelKeys() {
        String message = overrideError(Set.of(), Set.of("mypoll.bogus"));
        assertTrue(message.startsWith("mypoll.bogus: unknown key (known here: bridge, cluster, devices,"), message);
    }

    @Test
    void anUnknownVariableIsNamedWithTheVariablesOfItsSection() {
        String message = overrideError(Set.of("MYPOLL_HTTP_PROT"), Set.of());
        assertTrue(message.startsWith("MYPOLL_HTTP_PROT: unknown key (known here: MYPOLL_HTTP_ALLOWED_HOSTS, "
                + "MYPOLL_HTTP_ALLOWED_ORIGINS, MYPOLL_HTTP_AUTH_*, MYPOLL_HTTP_HEADER_TIMEOUT_SECONDS, MYPOLL_HTTP_HOST,"),
                message);
        String top = overrideError(Set.of("MYPOLL_BOGUS"), Set.of());
        assertTrue(top.startsWith("MYPOLL_BOGUS: unknown key (known here: MYPOLL_BRIDGE_*, MYPOLL_CLUSTER_*, "
                + "MYPOLL_DEVICES,"), top);
    }

    @Test
    void aSectionIsNotASetting() {
        assertEquals("mypoll.http.tls: is a section, not a setting (its keys: certFile, keyFile)",
                overrideError(Set.of(), Set.of("mypoll.http.tls")));
        assertEquals("MYPOLL_HTTP_TLS: is a section, not a setting (its keys: MYPOLL_HTTP_TLS_CERT_FILE, "
                + "MYPOLL_HTTP_TLS_KEY_FILE)", overrideError(Set.of("MYPOLL_HTTP_TLS"), Set.of()));
    }

    @Test
    void keysInsideTheDeviceListAreNotSettings() {
        String message = overrideError(Set.of(), Set.of("mypoll.devices.0.path"));
        assertTrue(message.startsWith("mypoll.devices.0.path: unknown key (known here: bridge,"), message);
    }

    @Test
    void everySettingHasItsVariableAndPropertyAndOtherNamesAreLeftAlone() {
        List<String> paths = SettingKey.overridable();
        Set<String> environment = new HashSet<>(Set.of("PATH", "HOME", "mypoll_lower", "XMYPOLL_BOGUS"));
        Set<String> properties = new HashSet<>(Set.of("java.version", "basedir", "mypollx.y", "io.mypoll.x"));
        for (String path : paths) {
            environment.add(ConfigLoader.envName(path));
            properties.add("mypoll." + path);
        }
        assertTrue(paths.contains("http.tls.certFile") && paths.contains("devices"), paths.toString());
        OverrideNames.check(environment, properties, BridgeConfig.defaults());
        OverrideNames.check(OverrideNames.NOT_SETTINGS, OverrideNames.NOT_SETTINGS, BridgeConfig.defaults());
    }

    /**
     * The scripts' variables and the tests' properties under the prefixes: each is a setting or listed as
     * theirs in {@link OverrideNames#NOT_SETTINGS}, so a shell or test JVM that has it still starts a bridge.
     */
    @Test
    void everyMypollNameTheScriptsAndTestsUseIsASettingOrListedAsTheirs() throws IOException {
        List<String> paths = SettingKey.overridable();
        Set<String> settings = new HashSet<>();
        for (String path : paths) {
            settings.add(ConfigLoader.envName(path));
            settings.add("mypoll." + path);
        }
        Pattern inScripts = Pattern.compile("\\b(MYPOLL_[A-Z0-9_]*[A-Z0-9])\\b|-D(mypoll\\.[A-Za-z0-9.]*[A-Za-z0-9])");
        Pattern inJava = Pattern.compile("(?:getProperty|getLong|getInteger|getBoolean)\\(\"(mypoll\\.[^\"]+)\"");
        Map<String, String> unlisted = new TreeMap<>();
        int names = 0;
        for (Path root : List.of(Path.of("..", "scripts"), Path.of("..", "packaging"), Path.of("..", "conf"),
                Path.of("..", "verticles", "src"), Path.of("..", "testkit", "src"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    boolean java = file.toString().endsWith(".java");
                    if (!java && root.endsWith("src")) {
                        continue;
                    }
                    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                    Matcher m = (java ? inJava : inScripts).matcher(text);
                    while (m.find()) {
                        String name = m.group(1) != null ? m.group(1) : m.group(2);
                        names++;
                        if (!settings.contains(name) && !OverrideNames.NOT_SETTINGS.contains(name)) {
                            unlisted.put(name, file.toString());
                        }
                    }
                }
            }
        }
        assertTrue(names > 10, "read the scripts and tests: " + names + " names");
        assertEquals(Map.of(), unlisted, "names used by scripts or tests that are neither settings nor listed in "
                + "OverrideNames.NOT_SETTINGS");
    }

    @Test
    void loadingRefusesAnUnknownSystemProperty(Vertx vertx) {
        System.setProperty("mypoll.bogus", "1");
        try {
            String message = loadError(vertx, null);
            assertTrue(message.startsWith("mypoll.bogus: unknown key (known here: "), message);
        } finally {
            System.clearProperty("mypoll.bogus");
        }
    }

    private static String loadError(Vertx vertx, String file) {
        Throwable e = ConfigLoader.load(vertx, file).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
                .await();
        assertTrue(e instanceof ConfigException, String.valueOf(e));
        return e.getMessage();
    }
}
