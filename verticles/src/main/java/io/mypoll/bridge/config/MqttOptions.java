// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * Publishing to an MQTT broker ({@code mqtt}), for automation systems: off unless enabled.
 *
 * @param clientId       null: {@code mypoll-bridge-<node>}
 * @param qos            0 (at most once) or 1 (at least once, acknowledged by the broker)
 * @param batches        one message per read of a device (a JSON array) instead of one per event
 * @param bufferEvents   events that may wait for the broker; more are dropped and counted
 * @param bufferBytes    bytes of encoded messages that may wait for the broker; more are dropped and counted
 * @param username       null: none
 * @param passwordFile   the file whose first line is the password; null: none
 * @param tls            whether to connect with TLS
 * @param tlsCaFile      PEM certificates to trust; null: the JVM's own
 * @param allowCommands  whether the bridge takes requests on {@code <prefix>/<node>/<device>/command}
 * @param homeAssistant  whether the bridge publishes Home Assistant discovery configs for its devices
 */
public record MqttOptions(boolean enabled, String host, int port, String clientId, String topicPrefix, int qos,
                          boolean batches, int bufferEvents, long bufferBytes, String username,
                          String passwordFile, boolean tls, String tlsCaFile, long reconnectMinMs,
                          long reconnectMaxMs, boolean allowCommands, boolean homeAssistant) {
    /** Off: a bridge sends nothing off the machine unless told where. */
    public static final boolean DEFAULT_ENABLED = false;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1883;
    /** Empty: {@code mypoll-bridge-<node>}. */
    public static final String DEFAULT_CLIENT_ID = "";
    public static final String DEFAULT_TOPIC_PREFIX = "mypoll";
    /** At least once: a broker that goes away loses nothing that fit in the buffer. */
    public static final int DEFAULT_QOS = 1;
    public static final boolean DEFAULT_BATCHES = false;
    /** Ten seconds at 1,000 events/s. */
    public static final int DEFAULT_BUFFER_EVENTS = 10_000;
    /** About 4 MB: ten thousand events of a few hundred bytes. */
    public static final long DEFAULT_BUFFER_BYTES = 4L << 20;
    public static final long DEFAULT_RECONNECT_MIN_MS = 500;
    public static final long DEFAULT_RECONNECT_MAX_MS = 30_000;
    /** Off: a broker's clients are many and not all known; changing a device is an installation's choice. */
    public static final boolean DEFAULT_ALLOW_COMMANDS = false;
    public static final boolean DEFAULT_HOME_ASSISTANT = false;

    /** The client id to connect with: the configured one, else one made of the node's name. */
    public String clientId(String node) {
        return clientId != null ? clientId : "mypoll-bridge-" + node;
    }

    static JsonObject defaults() {
        return new JsonObject()
                .put("enabled", DEFAULT_ENABLED)
                .put("host", DEFAULT_HOST)
                .put("port", DEFAULT_PORT)
                .put("clientId", DEFAULT_CLIENT_ID)
                .put("topicPrefix", DEFAULT_TOPIC_PREFIX)
                .put("qos", DEFAULT_QOS)
                .put("batches", DEFAULT_BATCHES)
                .put("bufferEvents", DEFAULT_BUFFER_EVENTS)
                .put("bufferBytes", DEFAULT_BUFFER_BYTES)
                .put("username", "")
                .put("passwordFile", "")
                .put("tls", new JsonObject().put("enabled", false).put("caFile", ""))
                .put("reconnectMinMs", DEFAULT_RECONNECT_MIN_MS)
                .put("reconnectMaxMs", DEFAULT_RECONNECT_MAX_MS)
                .put("allowCommands", DEFAULT_ALLOW_COMMANDS)
                .put("homeAssistant", DEFAULT_HOME_ASSISTANT);
    }

    static MqttOptions from(Section mqtt) {
        String host = mqtt.text("host", DEFAULT_HOST);
        if (host == null) {
            throw new ConfigException(mqtt.key("host"), "must not be empty");
        }
        String prefix = mqtt.text("topicPrefix", DEFAULT_TOPIC_PREFIX);
        if (prefix == null || !topicLevels(prefix)) {
            throw new ConfigException(mqtt.key("topicPrefix"), "must be topic levels without +, # or empty levels "
                    + "(such as \"mypoll\" or \"home/bridge\"), not " + prefix);
        }
        long min = mqtt.number("reconnectMinMs", DEFAULT_RECONNECT_MIN_MS, 10, 3_600_000);
        long max = mqtt.number("reconnectMaxMs", DEFAULT_RECONNECT_MAX_MS, 10, 3_600_000);
        if (max < min) {
            throw new ConfigException(mqtt.key("reconnectMaxMs"), "must not be below reconnectMinMs (" + min
                    + "), not " + max);
        }
        Section tls = mqtt.object("tls");
        return new MqttOptions(mqtt.flag("enabled", DEFAULT_ENABLED), host,
                (int) mqtt.number("port", DEFAULT_PORT, 1, 65535),
                mqtt.text("clientId", DEFAULT_CLIENT_ID), prefix,
                (int) mqtt.number("qos", DEFAULT_QOS, 0, 1),
                mqtt.flag("batches", DEFAULT_BATCHES),
                (int) mqtt.number("bufferEvents", DEFAULT_BUFFER_EVENTS, 1, 10_000_000),
                mqtt.number("bufferBytes", DEFAULT_BUFFER_BYTES, 4096, 1L << 30),
                mqtt.text("username", ""), mqtt.text("passwordFile", ""),
                tls.flag("enabled", false), tls.text("caFile", ""), min, max,
                mqtt.flag("allowCommands", DEFAULT_ALLOW_COMMANDS),
                mqtt.flag("homeAssistant", DEFAULT_HOME_ASSISTANT));
    }

    /** Whether a name can stand as one or more levels of a topic: no wildcards, no empty level. */
    public static boolean topicLevels(String name) {
        if (name.isEmpty() || name.contains("+") || name.contains("#") || name.indexOf('\0') >= 0) {
            return false;
        }
        for (String level : name.split("/", -1)) {
            if (level.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
