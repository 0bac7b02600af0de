package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every setting's default, named once. {@link #json()} is the first layer of
 * the configuration: the files, the environment and system properties
 * override it, and its keys are the ones the environment may set.
 */
public final class Defaults {
    private Defaults() {
    }

    /** Empty: the host name. */
    public static final String NODE = "";
    public static final String NOTIFY = "sigio";
    public static final String SIGNAL = "SIGIO";
    /** Loopback: nothing outside this machine reaches the bridge unless a setting says so. */
    public static final String HTTP_HOST = "127.0.0.1";
    public static final int HTTP_PORT = 8080;
    /** A connection that sends and receives nothing this long is closed (half-sent requests, dead peers). */
    public static final int IDLE_TIMEOUT_SECONDS = 60;
    /** Open connections at most; more are closed at once, well before the process runs out of files. */
    public static final int MAX_CONNECTIONS = 1000;
    /** Headers that take longer are a slow client or an attack (slowloris), not a browser. */
    public static final int HEADER_TIMEOUT_SECONDS = 10;
    public static final boolean INSECURE = false;
    /** Empty: no authentication (loopback only). */
    public static final String AUTH_TOKEN_FILE = "";
    public static final boolean ALLOW_CONTROL = false;
    public static final long PING_TIMEOUT_MS = 10_000;
    public static final int MAX_HANDLERS_PER_SOCKET = 16;
    public static final int MAX_REQUESTS_PER_SOCKET = 16;
    /** Far above any frame the bridge protocol needs (a trigger is under 200 bytes). */
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    /** What may wait for one slow socket: some seconds of events at a few kHz. */
    public static final int SOCKET_BUFFER_BYTES = 256 * 1024;
    /** A batch frame is sent as soon as it holds this many events. */
    public static final int BATCH_MAX_EVENTS = 256;
    /** On: a scrape reaches only what the HTTP server's address, Host, Origin and token rules let through. */
    public static final boolean METRICS_ENABLED = true;
    public static final long STATUS_INTERVAL_MS = 1000;
    /** Events kept per device for pages that open and scripts that ask: about 1 MB per device. */
    public static final int HISTORY_EVENTS = 1000;
    /** Per-second counts kept per device: the dashboard chart's window. */
    public static final int HISTORY_SECONDS = 300;
    public static final boolean LOG_EVENTS = true;
    /** None: a supervisor's health listener is this installation's choice (the service's config sets one). */
    public static final int HEALTH_PORT = 0;

    public static final String DEVICE_ID = "mypoll";
    public static final String DEVICE_TYPE = "auto";
    public static final String DEVICE_PATH = "/dev/mypoll";
    /** The emulator's timer; the kernel device keeps its own unless periodMs is set. */
    public static final double EMULATOR_PERIOD_MS = 1000;
    public static final int QUEUE_LEN = 1024;

    public static final boolean CLUSTER_ENABLED = false;
    public static final String CLUSTER_NAME = "mypoll";
    /** Empty: conf/cluster.xml of the working directory, else the jar's copy. */
    public static final String CLUSTER_CONFIG_FILE = "";
    public static final String CLUSTER_HOST = "127.0.0.1";
    public static final int CLUSTER_PORT = 0;
    public static final String CLUSTER_PUBLIC_HOST = "";
    public static final int FAILURE_TIMEOUT_SECONDS = 20;

    /** The whole default configuration, as conf/config.json would spell it. */
    public static JsonObject json() {
        return new JsonObject()
                .put("node", NODE)
                .put("notify", NOTIFY)
                .put("signal", SIGNAL)
                .put("http", new JsonObject()
                        .put("host", HTTP_HOST)
                        .put("port", HTTP_PORT)
                        .put("allowedOrigins", new JsonArray())
                        .put("allowedHosts", new JsonArray())
                        .put("idleTimeoutSeconds", IDLE_TIMEOUT_SECONDS)
                        .put("maxConnections", MAX_CONNECTIONS)
                        .put("headerTimeoutSeconds", HEADER_TIMEOUT_SECONDS)
                        .put("insecure", INSECURE)
                        .put("tls", new JsonObject().put("certFile", "").put("keyFile", ""))
                        .put("auth", new JsonObject().put("tokenFile", AUTH_TOKEN_FILE)))
                .put("bridge", new JsonObject()
                        .put("allowControl", ALLOW_CONTROL)
                        .put("pingTimeoutMs", PING_TIMEOUT_MS)
                        .put("maxHandlersPerSocket", MAX_HANDLERS_PER_SOCKET)
                        .put("maxRequestsPerSocket", MAX_REQUESTS_PER_SOCKET)
                        .put("maxFrameBytes", MAX_FRAME_BYTES)
                        .put("socketBufferBytes", SOCKET_BUFFER_BYTES)
                        .put("batchMaxEvents", BATCH_MAX_EVENTS))
                .put("cluster", new JsonObject()
                        .put("enabled", CLUSTER_ENABLED)
                        .put("name", CLUSTER_NAME)
                        .put("configFile", CLUSTER_CONFIG_FILE)
                        .put("host", CLUSTER_HOST)
                        .put("port", CLUSTER_PORT)
                        .put("publicHost", CLUSTER_PUBLIC_HOST)
                        .put("members", new JsonArray())
                        .put("interfaces", new JsonArray())
                        .put("failureTimeoutSeconds", FAILURE_TIMEOUT_SECONDS)
                        .put("tls", new JsonObject().put("certFile", "").put("keyFile", "").put("trustFile", "")))
                .put("metrics", new JsonObject().put("enabled", METRICS_ENABLED))
                .put("history", new JsonObject().put("events", HISTORY_EVENTS))
                .put("health", new JsonObject().put("port", HEALTH_PORT))
                .put("statusIntervalMs", STATUS_INTERVAL_MS)
                .put("logEvents", LOG_EVENTS)
                .put("devices", new JsonArray().add(new JsonObject()
                        .put("id", DEVICE_ID)
                        .put("type", DEVICE_TYPE)
                        .put("path", DEVICE_PATH)));
    }
}
