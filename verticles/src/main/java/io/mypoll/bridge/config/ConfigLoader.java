// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the configuration, each source overriding the one before: the defaults
 * ({@link BridgeConfig#defaults()}), {@code conf/config.json} (from the working directory, else
 * the copy in the jar), the {@code -conf} file, then environment variables and
 * system properties (read with vertx-config).
 *
 * <p>Every setting of {@link BridgeConfig#defaults()} can be overridden by the system
 * property {@code mypoll.<path>} ({@code -Dmypoll.http.port=9090}) or the
 * environment variable {@code MYPOLL_<PATH>} ({@code MYPOLL_HTTP_PORT=9090},
 * camelCase becoming SNAKE_CASE: {@code MYPOLL_STATUS_INTERVAL_MS}). Values
 * are read as JSON where they parse as JSON, so {@code MYPOLL_DEVICES='[...]'}
 * replaces the device list. Any other name under those prefixes is refused
 * ({@link OverrideNames}).
 */
public final class ConfigLoader {
    /** This installation's settings: the working directory's file, else the jar's copy; optional. */
    private static final String INSTALLED = "conf/config.json";
    /** A settings file larger than this is refused before it is read (a device, a log...). */
    static final long MAX_FILE_BYTES = 1 << 20;
    private static final String SYS_PREFIX = OverrideNames.SYS_PREFIX;
    private static final String ENV_PREFIX = OverrideNames.ENV_PREFIX;

    private ConfigLoader() {
    }

    /** @param confFile the -conf file, or null */
    public static Future<JsonObject> load(Vertx vertx, String confFile) {
        JsonObject tree = BridgeConfig.defaults();
        List<String> paths = SettingKey.overridable();
        try {
            OverrideNames.check(System.getenv().keySet(), System.getProperties().stringPropertyNames(), tree);
            JsonObject installed = readInstalled();
            if (installed != null) {
                tree.mergeIn(installed, true);
            }
            if (confFile != null) {
                tree.mergeIn(readFile(Path.of(confFile), confFile), true);
            }
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        List<ConfigStoreOptions> stores = List.of(
                new ConfigStoreOptions().setType("env").setConfig(new JsonObject()
                        .put("keys", new JsonArray(paths.stream().map(ConfigLoader::envName).toList()))),
                new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("cache", false)));
        return retrieve(vertx, stores).map(flat -> applyOverrides(tree, flat, paths))
                .recover(e -> Future.<JsonObject>failedFuture(new ConfigException("environment",
                        "cannot be read: " + rootMessage(e))));
    }

    /** conf/config.json of the working directory, else the jar's copy; null when neither exists. */
    private static JsonObject readInstalled() {
        Path local = Path.of(INSTALLED);
        if (Files.exists(local)) {
            return readFile(local, INSTALLED);
        }
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/" + INSTALLED)) {
            return in == null ? null : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), INSTALLED);
        } catch (IOException e) {
            throw new ConfigException(INSTALLED, "cannot be read from the jar: " + e.getMessage());
        }
    }

    /** A settings file: a regular file of at most {@value #MAX_FILE_BYTES} bytes holding one JSON object. */
    static JsonObject readFile(Path path, String name) {
        try {
            if (!Files.exists(path)) {
                throw new ConfigException(name, "no such file");
            }
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(name, "is not a regular file");
            }
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(name, "is " + size + " bytes; a settings file is at most " + MAX_FILE_BYTES);
            }
            return parse(Files.readString(path), name);
        } catch (IOException e) {
            throw new ConfigException(name, "cannot be read: " + e.getMessage());
        }
    }

    private static JsonObject parse(String text, String name) {
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            // Jackson's message spans lines; the error must be one.
            throw new ConfigException(name, "is not a JSON object: "
                    + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "));
        }
    }

    private static Future<JsonObject> retrieve(Vertx vertx, List<ConfigStoreOptions> stores) {
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
        stores.forEach(options::addStore);
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig().andThen(ar -> retriever.close());
    }

    /**
     * The files' tree with the flat overrides (mypoll.x.y, MYPOLL_X_Y) put in
     * their place; system properties win over the environment. Only known
     * paths are taken, so unrelated properties stay out.
     */
    static JsonObject applyOverrides(JsonObject tree, JsonObject flat, List<String> paths) {
        JsonObject config = tree.copy();
        for (String path : paths) {
            Object value = flat.getValue(SYS_PREFIX + path, flat.getValue(envName(path)));
            if (value != null) {
                put(config, path, value);
            }
        }
        return config;
    }

    private static void put(JsonObject config, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            config.put(path, value);
            return;
        }
        String head = path.substring(0, dot);
        JsonObject child = config.getValue(head) instanceof JsonObject existing ? existing : new JsonObject();
        config.put(head, child);
        put(child, path.substring(dot + 1), value);
    }

    /** http.port -> MYPOLL_HTTP_PORT, statusIntervalMs -> MYPOLL_STATUS_INTERVAL_MS */
    static String envName(String path) {
        return ENV_PREFIX + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
