package io.mypoll.bridge.config;

import io.mypoll.bridge.contract.Defaults;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.linux.Signals;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The bridge's settings, checked: every problem is a {@link ConfigException} naming its key.
 *
 * @param historyEvents the events kept per device for {@code mypoll.history.<device>}; 0 keeps none
 */
public record BridgeConfig(String node, NotifyMode notifyMode, String signalName, int signal, long statusIntervalMs,
                           boolean logEvents, List<DeviceConfig> devices, HttpOptions http, BridgeOptions bridge,
                           ClusterOptions cluster, MetricsOptions metrics, int historyEvents, HealthOptions health) {

    /**
     * The HTTP server.
     *
     * @param allowedOrigins origins besides the page's own that may use /eventbus and /api
     * @param allowedHosts   Host names served besides the loopback names and {@code host} itself
     * @param insecure       serve a non-loopback address without TLS and authentication
     * @param tls            PEM files; null for plain HTTP
     * @param authTokenFile  the file holding the access token; null for no authentication
     * @param headerTimeoutSeconds a request's headers must arrive within this, from the connection's opening
     *                       or the first byte of a later request
     */
    public record HttpOptions(String host, int port, List<String> allowedOrigins, List<String> allowedHosts,
                              int idleTimeoutSeconds, int maxConnections, boolean insecure, TlsFiles tls,
                              String authTokenFile, int headerTimeoutSeconds) {
        /** Whether {@code host} is a loopback address, which only this machine reaches. */
        public boolean loopback() {
            return isLoopback(host);
        }
    }

    /**
     * PEM files for TLS.
     *
     * @param trustFile the certificates of the peers to trust; null where peers are not checked
     */
    public record TlsFiles(String certFile, String keyFile, String trustFile) {
    }

    /**
     * The SockJS bridge: what a browser may do over {@code /eventbus}.
     *
     * @param allowControl         whether browsers may send to mypoll.control.&lt;device&gt; and PUT the period
     * @param maxHandlersPerSocket addresses one socket may register
     * @param maxRequestsPerSocket requests one socket may have waiting for their reply
     * @param maxFrameBytes        the largest WebSocket frame or message, and SockJS request body, taken
     * @param socketBufferBytes    what may wait to be written to one socket before its messages are dropped
     * @param batchMaxEvents       a frame of {@code mypoll.events.batched} holds this many events at most
     */
    public record BridgeOptions(boolean allowControl, long pingTimeoutMs, int maxHandlersPerSocket,
                                int maxRequestsPerSocket, int maxFrameBytes, int socketBufferBytes,
                                int batchMaxEvents) {
    }

    /**
     * Clustering with Hazelcast. Empty {@code members} and {@code interfaces}
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
    }

    /**
     * Prometheus metrics at {@code /metrics}.
     *
     * @param enabled whether Vert.x collects metrics and the bridge serves them
     */
    /**
     * The health listener: {@code /health} and {@code /metrics} on loopback, apart from the HTTP server's
     * connections, for a supervisor or a monitor.
     *
     * @param port its port on 127.0.0.1; 0 for none
     */
    public record HealthOptions(int port) {
        public boolean enabled() {
            return port != 0;
        }
    }

    public record MetricsOptions(boolean enabled) {
        /**
         * The registry the bridge's own meters join and {@code /metrics} serves: Vert.x's default one,
         * which exists only when Vert.x was made with metrics on; null when off or absent.
         */
        public MeterRegistry registry() {
            return enabled ? BackendRegistries.getDefaultNow() : null;
        }
    }

    /** Device ids become event-bus addresses and URL parts. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** The keys each device type takes. */
    private static final Map<String, Set<String>> DEVICE_KEYS = Map.of(
            DeviceConfig.AUTO, Set.of("id", "type", "path", "periodMs", "queueLen"),
            DeviceConfig.MYPOLL, Set.of("id", "type", "path", "periodMs", "queueLen", "waitForDevice"),
            DeviceConfig.EMULATOR, Set.of("id", "type", "path", "periodMs", "queueLen"),
            DeviceConfig.EVDEV, Set.of("id", "type", "path", "name", "grab", "waitForDevice"),
            DeviceConfig.RTC, Set.of("id", "type", "path", "mode", "hz", "waitForDevice"));

    /**
     * One entry of {@code devices}.
     *
     * @param path  the device node; for evdev null when found by {@code name}
     * @param name  evdev: the input device's name (EVIOCGNAME), or null when given by path
     * @param grab  evdev: take the device for this reader alone (EVIOCGRAB)
     * @param mode  rtc: "update" or "periodic"
     * @param hz    rtc: the periodic interrupt's rate, a power of two
     * @param waitForDevice a device missing at start is waited for, instead of ending the start
     */
    public record DeviceConfig(String id, String type, String path, Double periodMs, int queueLen, String name,
                               boolean grab, String mode, int hz, boolean waitForDevice) {
        public static final String AUTO = "auto";
        public static final String MYPOLL = "mypoll";
        public static final String EMULATOR = "emulator";
        public static final String EVDEV = "evdev";
        public static final String RTC = "rtc";
        public static final String UPDATE = "update";
        public static final String PERIODIC = "periodic";

        /** Whether a device of this type that goes away is waited for and opened again: a real one. */
        public boolean comesBack() {
            return type.equals(MYPOLL) || type.equals(EVDEV) || type.equals(RTC);
        }

        /** A device the caller opened, described as configured. */
        public static DeviceConfig of(String id, String type, String path) {
            return new DeviceConfig(id, type, path, null, 0, null, false, null, 0, false);
        }
    }

    /** The same settings with another device list (already checked by the caller). */
    public BridgeConfig withDevices(List<DeviceConfig> devices) {
        return new BridgeConfig(node, notifyMode, signalName, signal, statusIntervalMs, logEvents,
                List.copyOf(devices), http, bridge, cluster, metrics, historyEvents, health);
    }

    public static BridgeConfig from(JsonObject json) {
        checkKeys(json, Defaults.json(), "");
        Section root = new Section(json, "");
        String node = root.text("node", Defaults.NODE);
        NotifyMode notify;
        try {
            notify = NotifyMode.parse(root.text("notify", Defaults.NOTIFY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("notify", e.getMessage());
        }
        String signalName = root.text("signal", Defaults.SIGNAL);
        int signal;
        try {
            signal = Signals.parse(signalName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("signal", e.getMessage());
        }
        long statusIntervalMs = root.number("statusIntervalMs", Defaults.STATUS_INTERVAL_MS, 50, 3_600_000);
        HttpOptions http = http(root.object("http"));
        return new BridgeConfig(node == null ? hostName() : node, notify, signalName, signal, statusIntervalMs,
                root.flag("logEvents", Defaults.LOG_EVENTS), devices(json), http, bridge(root.object("bridge")),
                cluster(root.object("cluster")),
                new MetricsOptions(root.object("metrics").flag("enabled", Defaults.METRICS_ENABLED)),
                (int) root.object("history").number("events", Defaults.HISTORY_EVENTS, 0, 100_000),
                new HealthOptions((int) root.object("health").number("port", Defaults.HEALTH_PORT, 0, 65535)));
    }

    /** Every key must be one the bridge knows: a typo would otherwise be ignored without a word. */
    private static void checkKeys(JsonObject json, JsonObject known, String prefix) {
        for (String key : json.fieldNames()) {
            if (!known.containsKey(key)) {
                throw new ConfigException(prefix + key, "unknown key (known here: "
                        + String.join(", ", new TreeSet<>(known.fieldNames())) + ")");
            }
            if (json.getValue(key) instanceof JsonObject child && known.getValue(key) instanceof JsonObject k) {
                checkKeys(child, k, prefix + key + ".");
            }
        }
    }

    private static HttpOptions http(Section http) {
        String host = http.text("host", Defaults.HTTP_HOST);
        if (host == null) {
            throw new ConfigException(http.key("host"), "must not be empty");
        }
        Section tls = http.object("tls");
        TlsFiles files = tlsFiles(tls, false);
        String tokenFile = http.object("auth").text("tokenFile", Defaults.AUTH_TOKEN_FILE);
        boolean insecure = http.flag("insecure", Defaults.INSECURE);
        if (!isLoopback(host) && !insecure && (files == null || tokenFile == null)) {
            throw new ConfigException(http.key("host"), host + " is not a loopback address: serving it needs "
                    + "http.tls.certFile, http.tls.keyFile and http.auth.tokenFile, or http.insecure: true");
        }
        return new HttpOptions(host, (int) http.number("port", Defaults.HTTP_PORT, 0, 65535),
                http.texts("allowedOrigins", "origins", "[\"http://example.org:8080\"]"),
                http.texts("allowedHosts", "host names", "[\"dash.example.org\"]"),
                (int) http.number("idleTimeoutSeconds", Defaults.IDLE_TIMEOUT_SECONDS, 1, 3600),
                (int) http.number("maxConnections", Defaults.MAX_CONNECTIONS, 1, 100_000),
                insecure, files, tokenFile,
                (int) http.number("headerTimeoutSeconds", Defaults.HEADER_TIMEOUT_SECONDS, 1, 3600));
    }

    /** Both PEM files or neither; {@code withTrust}: the trust file too. */
    private static TlsFiles tlsFiles(Section tls, boolean withTrust) {
        String cert = tls.text("certFile", "");
        String key = tls.text("keyFile", "");
        String trust = withTrust ? tls.text("trustFile", "") : null;
        if (cert == null && key == null && trust == null) {
            return null;
        }
        if (cert == null || key == null || withTrust && trust == null) {
            throw new ConfigException(tls.key(cert == null ? "certFile" : key == null ? "keyFile" : "trustFile"),
                    "missing: TLS needs " + (withTrust ? "certFile, keyFile and trustFile" : "certFile and keyFile"));
        }
        return new TlsFiles(cert, key, trust);
    }

    private static BridgeOptions bridge(Section bridge) {
        return new BridgeOptions(bridge.flag("allowControl", Defaults.ALLOW_CONTROL),
                bridge.number("pingTimeoutMs", Defaults.PING_TIMEOUT_MS, 1_000, 600_000),
                (int) bridge.number("maxHandlersPerSocket", Defaults.MAX_HANDLERS_PER_SOCKET, 1, 1000),
                (int) bridge.number("maxRequestsPerSocket", Defaults.MAX_REQUESTS_PER_SOCKET, 1, 1000),
                (int) bridge.number("maxFrameBytes", Defaults.MAX_FRAME_BYTES, 1024, 16 << 20),
                (int) bridge.number("socketBufferBytes", Defaults.SOCKET_BUFFER_BYTES, 4096, 64 << 20),
                (int) bridge.number("batchMaxEvents", Defaults.BATCH_MAX_EVENTS, 1, 4096));
    }

    private static ClusterOptions cluster(Section cluster) {
        String name = cluster.text("name", Defaults.CLUSTER_NAME);
        if (name == null) {
            throw new ConfigException(cluster.key("name"), "must not be empty");
        }
        String example = "[\"192.168.1.10\"] or \"192.168.1.10,192.168.1.11\"";
        return new ClusterOptions(cluster.flag("enabled", Defaults.CLUSTER_ENABLED), name,
                cluster.text("configFile", Defaults.CLUSTER_CONFIG_FILE),
                cluster.text("host", Defaults.CLUSTER_HOST),
                (int) cluster.number("port", Defaults.CLUSTER_PORT, 0, 65535),
                cluster.text("publicHost", Defaults.CLUSTER_PUBLIC_HOST),
                cluster.texts("members", "addresses", example), cluster.texts("interfaces", "addresses", example),
                (int) cluster.number("failureTimeoutSeconds", Defaults.FAILURE_TIMEOUT_SECONDS, 2, 600),
                tlsFiles(cluster.object("tls"), true));
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
            Section device = new Section(d, key + ".");
            String type = device.text("type", Defaults.DEVICE_TYPE);
            Set<String> known = DEVICE_KEYS.get(type);
            if (known == null) {
                throw new ConfigException(key + ".type", "unknown type '" + type
                        + "' (expected auto, mypoll, emulator, evdev or rtc)");
            }
            for (String name : d.fieldNames()) {
                if (!known.contains(name)) {
                    throw new ConfigException(key + "." + name, "unknown key for type " + type + " (known here: "
                            + String.join(", ", new TreeSet<>(known)) + ")");
                }
            }
            String id = device.text("id", null);
            if (id == null || !ID.matcher(id).matches()) {
                throw new ConfigException(key + ".id", "must be 1 to 64 letters, digits, '-' or '_', not " + id);
            }
            if (!ids.add(id)) {
                throw new ConfigException(key + ".id", "'" + id + "' is used twice");
            }
            String path = device.text("path", null);
            String name = device.text("name", null);
            if (type.equals(DeviceConfig.EVDEV)) {
                if ((path == null) == (name == null)) {
                    throw new ConfigException(key + ".path", "a device of type evdev needs its path or its name "
                            + "(one of them)");
                }
            } else if (path == null && !type.equals(DeviceConfig.EMULATOR)) {
                throw new ConfigException(key + ".path", "a device of type " + type + " needs the path of its node");
            }
            String mode = device.text("mode", DeviceConfig.UPDATE);
            int hz = 0;
            if (type.equals(DeviceConfig.RTC)) {
                if (!mode.equals(DeviceConfig.UPDATE) && !mode.equals(DeviceConfig.PERIODIC)) {
                    throw new ConfigException(key + ".mode", "must be update or periodic, not " + mode);
                }
                if (mode.equals(DeviceConfig.PERIODIC)) {
                    if (device.value("hz") == null) {
                        throw new ConfigException(key + ".hz", "a device in periodic mode needs hz, a power of two "
                                + "from 2 to 8192");
                    }
                    hz = (int) device.number("hz", 0, 2, 8192);
                    if (Integer.bitCount(hz) != 1) {
                        throw new ConfigException(key + ".hz", "must be a power of two from 2 to 8192, not " + hz);
                    }
                }
            }
            Double periodMs = null;
            if (device.value("periodMs") != null) {
                periodMs = periodMs(device.value("periodMs"), key + ".periodMs");
            }
            long queueLen = device.number("queueLen", Defaults.QUEUE_LEN, 1, EmulatedDevice.MAX_QUEUE_LEN);
            if (Long.bitCount(queueLen) != 1) {
                throw new ConfigException(key + ".queueLen", "must be a power of two, not " + queueLen);
            }
            devices.add(new DeviceConfig(id, type, path, periodMs, (int) queueLen, name,
                    device.flag("grab", false), type.equals(DeviceConfig.RTC) ? mode : null, hz,
                    device.flag("waitForDevice", false)));
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

    /** A loopback name or address; a name is looked up, and one that does not resolve is not loopback. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
