// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Clustering with Hazelcast ({@code cluster}). Empty {@code members} and {@code interfaces}
 * keep what the Hazelcast file says.
 *
 * @param configFile a Hazelcast XML file, or null for the built-in conf/cluster.xml
 * @param host the event bus's bind address for other nodes
 * @param port the event bus's port, 0 for any free one
 * @param publicHost the address other nodes connect to, when not {@code host} (NAT, containers)
 * @param failureTimeoutSeconds how long a silent member stays in the cluster (Hazelcast's heartbeat timeout)
 * @param tls the event bus's PEM files, each node's certificate and the ones it trusts; null for plain TCP
 */
public record ClusterOptions(boolean enabled, String name, String configFile, String host, int port,
                             String publicHost, List<String> members, List<String> interfaces,
                             int failureTimeoutSeconds, TlsFiles tls) {
    public static final boolean DEFAULT_ENABLED = false;
    public static final String DEFAULT_NAME = "mypoll";
    /** Empty: conf/cluster.xml of the working directory, else the jar's copy. */
    public static final String DEFAULT_CONFIG_FILE = "";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 0;
    /** Empty: {@code host}. */
    public static final String DEFAULT_PUBLIC_HOST = "";
    public static final int DEFAULT_FAILURE_TIMEOUT_SECONDS = 20;

    static JsonObject defaults() {
        return new JsonObject()
                .put("enabled", DEFAULT_ENABLED)
                .put("name", DEFAULT_NAME)
                .put("configFile", DEFAULT_CONFIG_FILE)
                .put("host", DEFAULT_HOST)
                .put("port", DEFAULT_PORT)
                .put("publicHost", DEFAULT_PUBLIC_HOST)
                .put("members", new JsonArray())
                .put("interfaces", new JsonArray())
                .put("failureTimeoutSeconds", DEFAULT_FAILURE_TIMEOUT_SECONDS)
                .put("tls", TlsFiles.defaults(true));
    }

    static ClusterOptions from(Section cluster) {
        String name = cluster.text("name", DEFAULT_NAME);
        if (name == null) {
            throw new ConfigException(cluster.key("name"), "must not be empty");
        }
        String example = "[\"192.168.1.10\"] or \"192.168.1.10,192.168.1.11\"";
        return new ClusterOptions(cluster.flag("enabled", DEFAULT_ENABLED), name,
                cluster.text("configFile", DEFAULT_CONFIG_FILE),
                cluster.text("host", DEFAULT_HOST),
                (int) cluster.number("port", DEFAULT_PORT, 0, 65535),
                cluster.text("publicHost", DEFAULT_PUBLIC_HOST),
                cluster.texts("members", "addresses", example), cluster.texts("interfaces", "addresses", example),
                (int) cluster.number("failureTimeoutSeconds", DEFAULT_FAILURE_TIMEOUT_SECONDS, 2, 600),
                TlsFiles.from(cluster.object("tls"), true));
    }
}
