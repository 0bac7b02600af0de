// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.linux.Signals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.TreeSet;

/**
 * The bridge's settings, checked: every problem is a {@link ConfigException} naming its key. Each section
 * is a record of its own with its defaults ({@link HttpOptions}, {@link BridgeOptions}, ...), and each device
 * type too ({@link DeviceSettings}); {@link #defaults()} is all of them as one tree.
 *
 * @param historyEvents the events kept per device for {@code mypoll.history.<device>}; 0 keeps none
 */
public record BridgeConfig(String node, NotifyMode notifyMode, String signalName, int signal, long statusIntervalMs,
                           boolean logEvents, List<DeviceSettings> devices, HttpOptions http, BridgeOptions bridge,
                           ClusterOptions cluster, MetricsOptions metrics, int historyEvents, HealthOptions health,
                           TcpOptions tcp, MqttOptions mqtt) {
    /** Empty: the host name. */
    public static final String DEFAULT_NODE = "";
    public static final String DEFAULT_NOTIFY = "sigio";
    public static final String DEFAULT_SIGNAL = "SIGIO";
    public static final long DEFAULT_STATUS_INTERVAL_MS = 1000;
    /** On: the log's summary of events, a line a second, says at once whether events flow. */
    public static final boolean DEFAULT_LOG_EVENTS = true;
    /** Events kept per device for pages that open and scripts that ask: about 1 MB per device. */
    public static final int DEFAULT_HISTORY_EVENTS = 1000;

    /**
     * The whole default configuration, as conf/config.json would spell it: the first layer of the
     * configuration, which the files, the environment and system properties override. Its keys are the
     * ones the files may hold and the environment may set ({@link SettingKey#all()} lists them).
     */
    public static JsonObject defaults() {
        return new JsonObject()
                .put("node", DEFAULT_NODE)
                .put("notify", DEFAULT_NOTIFY)
                .put("signal", DEFAULT_SIGNAL)
                .put("http", HttpOptions.defaults())
                .put("bridge", BridgeOptions.defaults())
                .put("cluster", ClusterOptions.defaults())
                .put("metrics", MetricsOptions.defaults())
                .put("history", new JsonObject().put("events", DEFAULT_HISTORY_EVENTS))
                .put("health", HealthOptions.defaults())
                .put("tcp", TcpOptions.defaults())
                .put("mqtt", MqttOptions.defaults())
                .put("statusIntervalMs", DEFAULT_STATUS_INTERVAL_MS)
                .put("logEvents", DEFAULT_LOG_EVENTS)
                .put("devices", DeviceList.defaults());
    }

    /** The same settings with another device list (already checked by the caller). */
    public BridgeConfig withDevices(List<DeviceSettings> devices) {
        return new BridgeConfig(node, notifyMode, signalName, signal, statusIntervalMs, logEvents,
                List.copyOf(devices), http, bridge, cluster, metrics, historyEvents, health, tcp, mqtt);
    }

    public static BridgeConfig from(JsonObject json) {
        checkKeys(json, defaults(), "");
        Section root = new Section(json, "");
        String node = root.text("node", DEFAULT_NODE);
        NotifyMode notify;
        try {
            notify = NotifyMode.parse(root.text("notify", DEFAULT_NOTIFY));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("notify", e.getMessage());
        }
        String signalName = root.text("signal", DEFAULT_SIGNAL);
        int signal;
        try {
            signal = Signals.parse(signalName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("signal", e.getMessage());
        }
        long statusIntervalMs = root.number("statusIntervalMs", DEFAULT_STATUS_INTERVAL_MS, 50, 3_600_000);
        HttpOptions http = HttpOptions.from(root.object("http"));
        // Without the defaults' layer under it (a test, an application's own settings): no devices.
        List<DeviceSettings> devices = DeviceList.from(json.getValue("devices", new JsonArray()));
        return new BridgeConfig(node == null ? hostName() : node, notify, signalName, signal, statusIntervalMs,
                root.flag("logEvents", DEFAULT_LOG_EVENTS), devices, http, BridgeOptions.from(root.object("bridge")),
                ClusterOptions.from(root.object("cluster")), MetricsOptions.from(root.object("metrics")),
                (int) root.object("history").number("events", DEFAULT_HISTORY_EVENTS, 0, 100_000),
                HealthOptions.from(root.object("health")), TcpOptions.from(root.object("tcp"), http),
                MqttOptions.from(root.object("mqtt")));
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

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
