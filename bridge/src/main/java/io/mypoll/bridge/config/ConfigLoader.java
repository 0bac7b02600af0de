package io.mypoll.bridge.config;

import io.mypoll.bridge.contract.Defaults;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the configuration with vertx-config, each source overriding the one
 * before: the named {@link Defaults}, {@code conf/config.json} (from the
 * working directory, else the copy in the jar), the {@code -conf} file,
 * environment variables, system properties.
 *
 * <p>Every setting of {@link Defaults#json()} can be overridden by the system
 * property {@code mypoll.<path>} ({@code -Dmypoll.http.port=9090}) or the
 * environment variable {@code MYPOLL_<PATH>} ({@code MYPOLL_HTTP_PORT=9090},
 * camelCase becoming SNAKE_CASE: {@code MYPOLL_STATUS_INTERVAL_MS}). Values
 * are read as JSON where they parse as JSON, so {@code MYPOLL_DEVICES='[...]'}
 * replaces the device list.
 */
public final class ConfigLoader {
    /** This installation's settings: the working directory's file, else the jar's copy; optional. */
    private static final String INSTALLED = "conf/config.json";
    private static final String SYS_PREFIX = "mypoll.";
    private static final String ENV_PREFIX = "MYPOLL_";

    private ConfigLoader() {
    }

    /** @param confFile the -conf file, or null */
    public static Future<JsonObject> load(Vertx vertx, String confFile) {
        JsonObject defaults = Defaults.json();
        List<String> paths = new ArrayList<>();
        leafPaths(defaults, "", paths);
        List<ConfigStoreOptions> stores = new ArrayList<>();
        stores.add(new ConfigStoreOptions().setType("json").setConfig(defaults));
        stores.add(file(INSTALLED).setOptional(true));
        if (confFile != null) {
            stores.add(file(confFile));
        }
        stores.add(new ConfigStoreOptions().setType("env").setConfig(new JsonObject()
                .put("keys", new JsonArray(paths.stream().map(ConfigLoader::envName).toList()))));
        stores.add(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("cache", false)));
        return retrieve(vertx, stores).map(merged -> applyOverrides(merged, paths))
                .recover(e -> Future.failedFuture(new ConfigException(confFile == null ? INSTALLED : confFile,
                        "cannot be read: " + rootMessage(e))));
    }

    private static ConfigStoreOptions file(String path) {
        return new ConfigStoreOptions().setType("file").setFormat("json")
                .setConfig(new JsonObject().put("path", path));
    }

    private static Future<JsonObject> retrieve(Vertx vertx, List<ConfigStoreOptions> stores) {
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
        stores.forEach(options::addStore);
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig().andThen(ar -> retriever.close());
    }

    /** Moves the flat override keys (mypoll.x.y, MYPOLL_X_Y) to their place in the tree; sys wins over env. */
    static JsonObject applyOverrides(JsonObject merged, List<String> paths) {
        JsonObject config = new JsonObject();
        merged.forEach(e -> {
            if (!e.getKey().startsWith(SYS_PREFIX) && !e.getKey().startsWith(ENV_PREFIX) && !e.getKey().contains(".")) {
                config.put(e.getKey(), e.getValue());
            }
        });
        for (String path : paths) {
            Object value = merged.getValue(SYS_PREFIX + path, merged.getValue(envName(path)));
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

    private static void leafPaths(JsonObject json, String prefix, List<String> paths) {
        json.forEach(e -> {
            String path = prefix + e.getKey();
            if (e.getValue() instanceof JsonObject child) {
                leafPaths(child, path + ".", paths);
            } else {
                paths.add(path);
            }
        });
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
