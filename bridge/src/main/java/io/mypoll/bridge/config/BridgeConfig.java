package io.mypoll.bridge;

import io.mypoll.driver.EmulatedDevice;
import io.mypoll.driver.NotifyMode;
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

    public static BridgeConfig from(JsonObject json) {
        String node = string(json, "node", "");
        if (node.isBlank()) {
            node = hostName();
        }
        String notifyText = string(json, "notify", "sigio");
        NotifyMode notify;
        try {
            notify = NotifyMode.parse(notifyText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("notify", e.getMessage());
        }
        String signalName = string(json, "signal", "SIGIO");
        int signal;
        try {
            signal = Signals.parse(signalName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("signal", e.getMessage());
        }
        JsonObject http = object(json, "http");
        String host = string(http, "http.host", "host", "127.0.0.1");
        int port = (int) number(http, "http.port", "port", 8080, 0, 65535);
        long statusIntervalMs = number(json, "statusIntervalMs", "statusIntervalMs", 1000, 50, 3_600_000);
        Object logEvents = json.getValue("logEvents", true);
        if (!(logEvents instanceof Boolean)) {
            throw new ConfigException("logEvents", "must be true or false, not " + logEvents);
        }
        return new BridgeConfig(node, notify, signalName, signal, host, port, statusIntervalMs, (Boolean) logEvents,
                devices(json), bridge(http, object(json, "bridge")), cluster(object(json, "cluster")));
    }

    private static ClusterOptions cluster(JsonObject json) {
        Object enabled = json.getValue("enabled", false);
        if (!(enabled instanceof Boolean)) {
            throw new ConfigException("cluster.enabled", "must be true or false, not " + enabled);
        }
        String name = string(json, "cluster.name", "name", "mypoll");
        if (name.isBlank()) {
            throw new ConfigException("cluster.name", "must not be empty");
        }
        String configFile = string(json, "cluster.configFile", "configFile", null);
        String host = string(json, "cluster.host", "host", "127.0.0.1");
        int port = (int) number(json, "cluster.port", "port", 0, 0, 65535);
        String publicHost = string(json, "cluster.publicHost", "publicHost", null);
        long failure = number(json, "cluster.failureTimeoutSeconds", "failureTimeoutSeconds", 20, 2, 600);
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
        Object allowControl = bridge.getValue("allowControl", false);
        if (!(allowControl instanceof Boolean)) {
            throw new ConfigException("bridge.allowControl", "must be true or false, not " + allowControl);
        }
        long pingTimeoutMs = number(bridge, "bridge.pingTimeoutMs", "pingTimeoutMs", 10_000, 1_000, 600_000);
        long maxHandlers = number(bridge, "bridge.maxHandlersPerSocket", "maxHandlersPerSocket", 16, 1, 1000);
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
            String type = string(d, key + ".type", "type", DeviceConfig.AUTO);
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
            long queueLen = number(d, key + ".queueLen", "queueLen", EmulatedDevice.DEFAULT_QUEUE_LEN, 1,
                    EmulatedDevice.MAX_QUEUE_LEN);
            if (Long.bitCount(queueLen) != 1) {
                throw new ConfigException(key + ".queueLen", "must be a power of two, not " + queueLen);
            }
            devices.add(new DeviceConfig(id, type, path, periodMs, (int) queueLen));
        }
        return List.copyOf(devices);
    }

    /** A timer period in milliseconds: 0 (off) to one hour, in whole microseconds. */
    public static double periodMs(Object value, String key) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new ConfigException(key, "must be a number of milliseconds, not " + value);
        }
        double ms = n.doubleValue();
        if (ms < 0 || ms > 3_600_000) {
            throw new ConfigException(key, "must be from 0 (off) to 3600000, not " + value);
        }
        if (ms > 0 && Math.round(ms * 1000) == 0) {
            throw new ConfigException(key, "must be 0 or at least 0.001 (one microsecond), not " + value);
        }
        return ms;
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
