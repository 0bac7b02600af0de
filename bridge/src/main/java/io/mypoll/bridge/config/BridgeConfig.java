package io.mypoll.bridge.config;

import io.mypoll.bridge.contract.Defaults;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.linux.Signals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The bridge's settings, checked: every problem is a {@link ConfigException} naming its key. */
public record BridgeConfig(String node, NotifyMode notifyMode, String signalName, int signal, String httpHost,
                           int httpPort, long statusIntervalMs, boolean logEvents, List<DeviceConfig> devices,
                           BridgeOptions bridge, ClusterOptions cluster) {

    /**
     * Clustering with Hazelcast. Empty {@code members} and {@code interfaces}
     * keep what the Hazelcast file says.
     *
     * @param configFile a Hazelcast XML file, or null for the built-in conf/cluster.xml
     * @param host the event bus's bind address for other nodes
     * @param port the event bus's port, 0 for any free one
     * @param publicHost the address other nodes connect to, when not {@code host} (NAT, containers)
     * @param failureTimeoutSeconds how long a silent member stays in the cluster (Hazelcast's heartbeat timeout)
     */
    public record ClusterOptions(boolean enabled, String name, String configFile, String host, int port,
                                 String publicHost, List<String> members, List<String> interfaces,
                                 int failureTimeoutSeconds) {
    }

    /**
     * The SockJS bridge and REST API. Origins other than the page's own must be listed to be let in.
     *
     * @param allowControl whether browsers may send to mypoll.control.&lt;device&gt; and PUT the period
     */
    public record BridgeOptions(List<String> allowedOrigins, boolean allowControl, long pingTimeoutMs,
                                int maxHandlersPerSocket) {
    }

    /** Device ids become event-bus addresses and URL parts. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    /** One entry of {@code devices}. */
    public record DeviceConfig(String id, String type, String path, Double periodMs, int queueLen) {
        public static final String AUTO = "auto";
        public static final String MYPOLL = "mypoll";
        public static final String EMULATOR = "emulator";
    }

    /** The same settings with another device list (already checked by the caller). */
    public BridgeConfig withDevices(List<DeviceConfig> devices) {
        return new BridgeConfig(node, notifyMode, signalName, signal, httpHost, httpPort, statusIntervalMs, logEvents,
                List.copyOf(devices), bridge, cluster);
    }

    public static BridgeConfig from(JsonObject json) {
        String node = string(json, "node", Defaults.NODE);
        if (node.isBlank()) {
            node = hostName();
        }
        String notifyText = string(json, "notify", Defaults.NOTIFY);
        NotifyMode notify;
        try {
            notify = NotifyMode.parse(notifyText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("notify", e.getMessage());
        }
        String signalName = string(json, "signal", Defaults.SIGNAL);
        int signal;
        try {
            signal = Signals.parse(signalName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("signal", e.getMessage());
        }
        JsonObject http = object(json, "http");
        String host = string(http, "http.host", "host", Defaults.HTTP_HOST);
        int port = (int) number(http, "http.port", "port", Defaults.HTTP_PORT, 0, 65535);
        long statusIntervalMs = number(json, "statusIntervalMs", "statusIntervalMs", Defaults.STATUS_INTERVAL_MS, 50, 3_600_000);
        Object logEvents = json.getValue("logEvents", Defaults.LOG_EVENTS);
        if (!(logEvents instanceof Boolean)) {
            throw new ConfigException("logEvents", "must be true or false, not " + logEvents);
        }
        return new BridgeConfig(node, notify, signalName, signal, host, port, statusIntervalMs, (Boolean) logEvents,
                devices(json), bridge(http, object(json, "bridge")), cluster(object(json, "cluster")));
    }

    private static ClusterOptions cluster(JsonObject json) {
        Object enabled = json.getValue("enabled", Defaults.CLUSTER_ENABLED);
        if (!(enabled instanceof Boolean)) {
            throw new ConfigException("cluster.enabled", "must be true or false, not " + enabled);
        }
        String name = string(json, "cluster.name", "name", Defaults.CLUSTER_NAME);
        if (name.isBlank()) {
            throw new ConfigException("cluster.name", "must not be empty");
        }
        String configFile = string(json, "cluster.configFile", "configFile", Defaults.CLUSTER_CONFIG_FILE);
        String host = string(json, "cluster.host", "host", Defaults.CLUSTER_HOST);
        int port = (int) number(json, "cluster.port", "port", Defaults.CLUSTER_PORT, 0, 65535);
        String publicHost = string(json, "cluster.publicHost", "publicHost", Defaults.CLUSTER_PUBLIC_HOST);
        long failure = number(json, "cluster.failureTimeoutSeconds", "failureTimeoutSeconds", Defaults.FAILURE_TIMEOUT_SECONDS, 2, 600);
        return new ClusterOptions((Boolean) enabled, name, configFile == null || configFile.isBlank() ? null
                : configFile, host, port, publicHost == null || publicHost.isBlank() ? null : publicHost,
                addresses(json, "cluster.members", "members"), addresses(json, "cluster.interfaces", "interfaces"),
                (int) failure);
    }

    /** A list of addresses, as a JSON list or one comma-separated string (handy in environment variables). */
    private static List<String> addresses(JsonObject json, String fullKey, String key) {
        Object value = json.getValue(key, new JsonArray());
        List<String> list = new ArrayList<>();
        if (value instanceof String text) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    list.add(part.trim());
                }
            }
        } else if (value instanceof JsonArray array && array.stream().allMatch(o -> o instanceof String)) {
            array.forEach(o -> list.add(((String) o).trim()));
        } else {
            throw new ConfigException(fullKey, "must be a list of addresses such as [\"192.168.1.10\"] or "
                    + "\"192.168.1.10,192.168.1.11\", not " + value);
        }
        return List.copyOf(list);
    }

    private static BridgeOptions bridge(JsonObject http, JsonObject bridge) {
        Object origins = http.getValue("allowedOrigins", new JsonArray());
        if (!(origins instanceof JsonArray list) || !list.stream().allMatch(o -> o instanceof String)) {
            throw new ConfigException("http.allowedOrigins", "must be a list of origins such as "
                    + "\"http://example.org:8080\", not " + origins);
        }
        Object allowControl = bridge.getValue("allowControl", Defaults.ALLOW_CONTROL);
        if (!(allowControl instanceof Boolean)) {
            throw new ConfigException("bridge.allowControl", "must be true or false, not " + allowControl);
        }
        long pingTimeoutMs = number(bridge, "bridge.pingTimeoutMs", "pingTimeoutMs", Defaults.PING_TIMEOUT_MS, 1_000, 600_000);
        long maxHandlers = number(bridge, "bridge.maxHandlersPerSocket", "maxHandlersPerSocket", Defaults.MAX_HANDLERS_PER_SOCKET, 1, 1000);
        return new BridgeOptions(list.stream().map(String.class::cast).toList(), (Boolean) allowControl,
                pingTimeoutMs, (int) maxHandlers);
    }

    private static List<DeviceConfig> devices(JsonObject json) {
        Object value = json.getValue("devices", new JsonArray());
        if (!(value instanceof JsonArray array)) {
            throw new ConfigException("devices", "must be a list of devices, not " + value);
        }
        List<DeviceConfig> devices = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String key = "devices[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject d)) {
                throw new ConfigException(key, "must be an object");
            }
            String id = string(d, key + ".id", "id", null);
            if (id == null || !ID.matcher(id).matches()) {
                throw new ConfigException(key + ".id", "must be 1 to 64 letters, digits, '-' or '_', not " + id);
            }
            if (!ids.add(id)) {
                throw new ConfigException(key + ".id", "'" + id + "' is used twice");
            }
            String type = string(d, key + ".type", "type", Defaults.DEVICE_TYPE);
            if (!Set.of(DeviceConfig.AUTO, DeviceConfig.MYPOLL, DeviceConfig.EMULATOR).contains(type)) {
                throw new ConfigException(key + ".type", "unknown type '" + type + "' (expected auto, mypoll or emulator)");
            }
            String path = string(d, key + ".path", "path", null);
            if ((path == null || path.isBlank()) && !type.equals(DeviceConfig.EMULATOR)) {
                throw new ConfigException(key + ".path", "a device of type " + type + " needs the path of its node");
            }
            Double periodMs = null;
            if (d.getValue("periodMs") != null) {
                periodMs = periodMs(d.getValue("periodMs"), key + ".periodMs");
            }
            long queueLen = number(d, key + ".queueLen", "queueLen", Defaults.QUEUE_LEN, 1,
                    EmulatedDevice.MAX_QUEUE_LEN);
            if (Long.bitCount(queueLen) != 1) {
                throw new ConfigException(key + ".queueLen", "must be a power of two, not " + queueLen);
            }
            devices.add(new DeviceConfig(id, type, path, periodMs, (int) queueLen));
        }
        return List.copyOf(devices);
    }

    private static double periodMs(Object value, String key) {
        try {
            return PeriodMs.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    private static JsonObject object(JsonObject json, String key) {
        Object value = json.getValue(key, new JsonObject());
        if (!(value instanceof JsonObject o)) {
            throw new ConfigException(key, "must be an object, not " + value);
        }
        return o;
    }

    private static String string(JsonObject json, String key, String fallback) {
        return string(json, key, key, fallback);
    }

    private static String string(JsonObject json, String fullKey, String key, String fallback) {
        Object value = json.getValue(key, fallback);
        if (value != null && !(value instanceof String)) {
            throw new ConfigException(fullKey, "must be a string, not " + value);
        }
        return (String) value;
    }

    private static long number(JsonObject json, String fullKey, String key, long fallback, long min, long max) {
        Object value = json.getValue(key, fallback);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException(fullKey, "must be a whole number, not " + value);
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw new ConfigException(fullKey, "must be from " + min + " to " + max + ", not " + v);
        }
        return v;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
