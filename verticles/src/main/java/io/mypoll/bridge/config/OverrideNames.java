// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The names under which environment variables ({@code MYPOLL_HTTP_PORT}) and
 * system properties ({@code mypoll.http.port}) set settings. Every other name
 * under those prefixes is refused, as an unknown key of a file is: a misspelt
 * override would otherwise be left out without a word.
 */
final class OverrideNames {
    static final String ENV_PREFIX = "MYPOLL_";
    static final String SYS_PREFIX = "mypoll.";

    /**
     * Names under the prefixes that are not settings: the project's scripts and
     * tests read them for themselves, so a shell or a test JVM that has them
     * still starts the bridge. A script or test that takes a new one lists it
     * here (ConfigLoaderTest checks that each one it uses is a setting or listed).
     */
    static final Set<String> NOT_SETTINGS = Set.of(
            // scripts/prerequisites.sh: what to install
            "MYPOLL_BROWSER", "MYPOLL_WEBSOCKETD",
            // scripts/kernel-trees.sh, qemu-debug-test.sh, package-test.sh: the build cache and mirror
            "MYPOLL_CACHE", "MYPOLL_NICE", "MYPOLL_MIRROR",
            // scripts/package.sh
            "MYPOLL_MAINTAINER",
            // scripts/bench.sh --web
            "MYPOLL_BENCH_BATCH_ADDRESS",
            // the guest tests' JVM, set by scripts/qemu-e2e.sh
            "mypoll.e2e.port", "mypoll.e2e.mode", "mypoll.e2e.periodMs", "mypoll.e2e.work", "mypoll.e2e.text",
            "mypoll.e2e.rtc", "mypoll.e2e.rtcHz",
            // BridgeFuzzTest: the seed to run again
            "mypoll.fuzz.seed");

    private OverrideNames() {
    }

    /**
     * Throws a {@link ConfigException} naming the first variable or property
     * under the prefixes that names no setting of {@code defaults}.
     */
    static void check(Set<String> environment, Set<String> properties, JsonObject defaults) {
        for (String name : new TreeSet<>(environment)) {
            if (name.startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(name)) {
                checkVariable(name, defaults);
            }
        }
        for (String name : new TreeSet<>(properties)) {
            if (name.startsWith(SYS_PREFIX) && !NOT_SETTINGS.contains(name)) {
                checkProperty(name, defaults);
            }
        }
    }

    /** mypoll.http.port: each part a key of the section before it, the last a setting. */
    private static void checkProperty(String name, JsonObject defaults) {
        String[] parts = name.substring(SYS_PREFIX.length()).split("\\.", -1);
        JsonObject section = defaults;
        for (int i = 0; i < parts.length; i++) {
            Object value = section.getValue(parts[i]);
            if (!(value instanceof JsonObject child)) {
                if (value != null && i == parts.length - 1) {
                    return;
                }
                break;
            }
            if (i == parts.length - 1) {
                throw new ConfigException(name, "is a section, not a setting (its keys: "
                        + String.join(", ", new TreeSet<>(child.fieldNames())) + ")");
            }
            section = child;
        }
        throw new ConfigException(name, "unknown key (known here: "
                + String.join(", ", new TreeSet<>(section.fieldNames())) + ")");
    }

    /** MYPOLL_HTTP_PORT: read as the section whose name it starts with, then one of its settings. */
    private static void checkVariable(String name, JsonObject defaults) {
        JsonObject section = defaults;
        String path = "";
        while (true) {
            JsonObject inner = null;
            String innerPath = null;
            for (String key : section.fieldNames()) {
                String env = ConfigLoader.envName(path + key);
                Object value = section.getValue(key);
                if (name.equals(env)) {
                    if (!(value instanceof JsonObject child)) {
                        return;
                    }
                    throw new ConfigException(name, "is a section, not a setting (its keys: "
                            + knownVariables(child, path + key + ".") + ")");
                }
                if (value instanceof JsonObject child && name.startsWith(env + "_")) {
                    inner = child;
                    innerPath = path + key + ".";
                }
            }
            if (inner == null) {
                throw new ConfigException(name, "unknown key (known here: " + knownVariables(section, path) + ")");
            }
            section = inner;
            path = innerPath;
        }
    }

    /** A section's settings as variables, its sections as MYPOLL_HTTP_TLS_*. */
    private static String knownVariables(JsonObject section, String path) {
        return section.fieldNames().stream()
                .map(key -> ConfigLoader.envName(path + key)
                        + (section.getValue(key) instanceof JsonObject ? "_*" : ""))
                .sorted()
                .collect(Collectors.joining(", "));
    }
}
