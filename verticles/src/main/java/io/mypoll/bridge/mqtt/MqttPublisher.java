// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.mqtt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigException;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.config.MqttOptions;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.bridge.contract.EventBatchCodec;
import io.mypoll.bridge.contract.EventJson;
import io.mypoll.bridge.contract.NodeStatus;
import io.mypoll.driver.DeviceEvent;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes this node's devices to an MQTT broker ({@code mqtt.enabled}): each event (or each read, with
 * {@code mqtt.batches}) on {@code <prefix>/<node>/<device>/event(s)}, each device's status, retained, on
 * {@code <prefix>/<node>/<device>/status}, and the node's {@code online}/{@code offline} (the last will),
 * retained, on {@code <prefix>/<node>/status}; with {@code mqtt.allowCommands} it takes requests on
 * {@code <prefix>/<node>/<device>/command} and answers on {@code .../reply} ({@link MqttCommands}).
 *
 * <p>An event loop verticle: nothing here waits. While the broker is away it tries again after a backoff
 * ({@code mqtt.reconnectMinMs} doubling up to {@code mqtt.reconnectMaxMs}, with jitter), and the events wait
 * in a buffer bounded in events and bytes; what does not fit is dropped and counted. At QoS 1 at most
 * {@link #WINDOW} messages are in flight, each until the broker acknowledges it; a message that was in flight
 * when the connection went is sent again after the reconnect (at least once: a subscriber may see it twice).
 */
public final class MqttPublisher extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(MqttPublisher.class.getName());
    /** Messages in flight at once: sent and not yet acknowledged (QoS 1) or not yet written (QoS 0). */
    static final int WINDOW = 64;
    /** Replies and the node's own messages waiting for the broker; more are dropped and counted. */
    static final int MAX_CONTROL_MESSAGES = 256;
    static final long COMMAND_TIMEOUT_MS = 5_000;
    static final long CONNECT_TIMEOUT_MS = 5_000;
    /** A publish the client refused on a live connection is tried again after this. */
    static final long RETRY_MS = 10;

    private final BridgeConfig config;
    private final MqttOptions options;
    private final MqttQoS qos;
    private final String nodeTopic;
    private final String nodeStatusTopic;
    private final OutboundBuffer events;
    /** Replies, the node's online and discovery configs: sent before events. */
    private final Deque<OutboundBuffer.Outgoing> control = new ArrayDeque<>();
    /** Each device's latest status not yet sent; a newer one replaces it. */
    private final Map<String, OutboundBuffer.Outgoing> statuses = new LinkedHashMap<>();
    /** Sent and not yet done with, by a number of this publisher's, in the order sent. */
    private final Map<Long, OutboundBuffer.Outgoing> inFlight = new LinkedHashMap<>();
    /** Packet id to the number in {@link #inFlight}, for the broker's acknowledgements. */
    private final Map<Integer, Long> packetIds = new HashMap<>();
    /** Packet ids acknowledged before {@link #packetIds} knew them. */
    private final Set<Integer> earlyAcks = new java.util.HashSet<>();
    private final Set<String> deviceIds = new LinkedHashSet<>();
    private final Map<String, String> eventTopics = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong controlDropped = new AtomicLong();
    private final List<Meter> meters = new ArrayList<>();
    private volatile boolean connected;
    private volatile long bufferedEvents;
    private volatile long bufferedBytes;
    private EventJson eventJson;
    private Backoff backoff;
    private MqttCommands mqttCommands;
    private MqttClient client;
    /** Which connection a callback belongs to: one of a connection that is gone changes nothing. */
    private long generation;
    private long nextSendNumber;
    private long reconnectTimer = -1;
    private long retryTimer = -1;
    private long statusTimer = -1;
    private boolean stopping;
    /** A connection was accepted and has not been lost yet (it may have stopped sending). */
    private boolean sessionUp;
    private String lastError = "";

    /** @param config the checked settings; {@code config.mqtt()} says where and how to publish */
    public MqttPublisher(BridgeConfig config) {
        this.config = config;
        this.options = config.mqtt();
        this.qos = options.qos() == 0 ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE;
        this.nodeTopic = options.topicPrefix() + "/" + config.node();
        this.nodeStatusTopic = nodeTopic + "/status";
        this.events = new OutboundBuffer(options.bufferEvents(), options.bufferBytes());
    }

    @Override
    public Future<?> start() {
        if (!MqttOptions.topicLevels(config.node()) || config.node().contains("/")) {
            throw new ConfigException("node", "is one level of the MQTT topics, so it must not hold /, + or #: "
                    + config.node());
        }
        config.devices().stream().map(DeviceSettings::id).forEach(deviceIds::add);
        eventJson = new EventJson(config.node());
        backoff = new Backoff(options.reconnectMinMs(), options.reconnectMaxMs());
        mqttCommands = new MqttCommands(vertx, Set.copyOf(deviceIds), config.bridge().allowControl(),
                COMMAND_TIMEOUT_MS);
        String password = password();
        String selfId = new DeviceDirectory(vertx).selfId();
        EventBatchCodec.register(vertx.eventBus());
        registerMeters();
        statusTimer = vertx.setPeriodic(config.statusIntervalMs(), id -> shareStatus());
        shareStatus();
        Future<?> batches = vertx.eventBus().<EventBatch>localConsumer(Addresses.LOCAL_EVENT_BATCHES,
                m -> onBatch(m.body())).completion();
        Future<?> status = vertx.eventBus().<JsonObject>localConsumer(Addresses.STATUS, m -> {
            JsonObject body = m.body();
            if (selfId.equals(body.getString("nodeId")) && body.getBoolean("online", false)) {
                onDeviceStatus(body.getJsonArray("devices", new JsonArray()));
            }
        }).completion();
        return Future.all(batches, status).onSuccess(v -> connect(password));
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(statusTimer);
        vertx.cancelTimer(reconnectTimer);
        meters.forEach(m -> config.metrics().registry().remove(m));
        vertx.sharedData().getLocalMap(NodeStatus.PARTS).remove("mqtt");
        MqttClient c = client;
        if (c == null || !connected) {
            return Future.succeededFuture();
        }
        // A clean disconnect discards the last will: say offline first, as the will would have.
        return c.publish(nodeStatusTopic, Buffer.buffer("offline"), MqttQoS.AT_MOST_ONCE, false, true)
                .transform(ar -> c.disconnect()).otherwiseEmpty();
    }

    /** Events published: acknowledged by the broker at QoS 1, written at QoS 0. */
    public long published() {
        return published.get();
    }

    /** Events dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Events waiting for the broker: buffered and in flight. */
    public long buffered() {
        return bufferedEvents;
    }

    public boolean connected() {
        return connected;
    }

    private void onBatch(EventBatch batch) {
        if (!deviceIds.contains(batch.device())) {
            return;
        }
        eventJson.startBatch();
        // One topic string per device, not one per event.
        String topic = eventTopics.computeIfAbsent(batch.device(),
                d -> nodeTopic + "/" + d + (options.batches() ? "/events" : "/event"));
        if (options.batches()) {
            JsonArray array = new JsonArray(new ArrayList<>(batch.events().size()));
            for (DeviceEvent e : batch.events()) {
                array.add(eventJson.encode(batch.device(), e));
            }
            offer(new OutboundBuffer.Outgoing(topic, array.toBuffer(), batch.events().size(), false));
        } else {
            for (DeviceEvent e : batch.events()) {
                offer(new OutboundBuffer.Outgoing(topic, eventJson.encode(batch.device(), e).toBuffer(),
                        1, false));
            }
        }
        pump();
    }

    private void offer(OutboundBuffer.Outgoing message) {
        if (!events.offer(message)) {
            dropped.addAndGet(message.events());
        }
    }

    private void onDeviceStatus(JsonArray devices) {
        for (Object o : devices) {
            if (o instanceof JsonObject d && deviceIds.contains(d.getString("id"))) {
                String topic = nodeTopic + "/" + d.getString("id") + "/status";
                statuses.put(topic, new OutboundBuffer.Outgoing(topic, d.toBuffer(), 0, true));
            }
        }
        pump();
    }

    private void sendControl(String topic, Buffer payload, boolean retain) {
        if (control.size() >= MAX_CONTROL_MESSAGES) {
            controlDropped.incrementAndGet();
            return;
        }
        control.addLast(new OutboundBuffer.Outgoing(topic, payload, 0, retain));
        pump();
    }

    /** Sends what waits, replies and statuses first, while the window has room. */
    private void pump() {
        while (connected && inFlight.size() < WINDOW) {
            OutboundBuffer.Outgoing next = control.pollFirst();
            if (next == null && !statuses.isEmpty()) {
                var first = statuses.entrySet().iterator();
                next = first.next().getValue();
                first.remove();
            }
            if (next == null) {
                next = events.poll();
            }
            if (next == null) {
                break;
            }
            send(next);
        }
        bufferedEvents = events.events() + inFlightEvents();
        bufferedBytes = events.bytes();
    }

    private long inFlightEvents() {
        long n = 0;
        for (OutboundBuffer.Outgoing m : inFlight.values()) {
            n += m.events();
        }
        return n;
    }

    private void send(OutboundBuffer.Outgoing message) {
        long number = nextSendNumber++;
        long gen = generation;
        inFlight.put(number, message);
        client.publish(message.topic(), message.payload(), qos, false, message.retain()).onComplete(ar -> {
            if (gen != generation) {
                return;
            }
            if (ar.failed()) {
                publishFailed(number, message, ar.cause());
                return;
            }
            if (qos == MqttQoS.AT_MOST_ONCE || earlyAcks.remove(ar.result())) {
                done(number);
            } else {
                packetIds.put(ar.result(), number);
            }
        });
    }

    /**
     * A publish that did not go out. The message goes back in front; if the client refused it (its in-flight
     * limit), one retry shortly; else the connection is broken, and sending stops until its close (or, should
     * none come, a timeout) makes it lost and plans the reconnect.
     */
    private void publishFailed(long number, OutboundBuffer.Outgoing message, Throwable cause) {
        if (inFlight.remove(number) == null) {
            return;
        }
        if (message.events() > 0) {
            events.requeueFirst(List.of(message));
        } else if (message.topic().endsWith("/reply")) {
            control.addFirst(message);
        }
        if (!connected) {
            return;
        }
        if (cause instanceof io.vertx.mqtt.MqttException) {
            if (retryTimer < 0) {
                retryTimer = vertx.setTimer(RETRY_MS, id -> {
                    retryTimer = -1;
                    pump();
                });
            }
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "MQTT: publish to {0} failed: {1}", message.topic(), cause.getMessage());
        connected = false;
        long gen = generation;
        MqttClient broken = client;
        broken.disconnect();
        vertx.setTimer(CONNECT_TIMEOUT_MS, id -> {
            if (gen == generation) {
                lost(String.valueOf(cause.getMessage()));
            }
        });
    }

    /** The broker acknowledged a QoS 1 message. */
    private void acknowledged(int packetId) {
        Long number = packetIds.remove(packetId);
        if (number != null) {
            done(number);
        } else {
            // The acknowledgement came before the write's completion told the packet id.
            earlyAcks.add(packetId);
        }
    }

    private void done(long number) {
        OutboundBuffer.Outgoing m = inFlight.remove(number);
        if (m != null) {
            published.addAndGet(m.events());
        }
        pump();
    }

    private void connect(String password) {
        if (stopping) {
            return;
        }
        MqttClientOptions clientOptions = new MqttClientOptions()
                .setClientId(options.clientId(config.node()))
                .setCleanSession(true)
                // The client counts a message in flight until after its completion handler, which sends the
                // next one: room for ours and that one.
                .setMaxInflightQueue(WINDOW * 2)
                .setKeepAliveInterval(30)
                .setWillFlag(true)
                .setWillTopic(nodeStatusTopic)
                .setWillMessageBytes(Buffer.buffer("offline"))
                .setWillQoS(1)
                .setWillRetain(true);
        clientOptions.setConnectTimeout((int) CONNECT_TIMEOUT_MS);
        if (options.username() != null) {
            clientOptions.setUsername(options.username());
        }
        if (password != null) {
            clientOptions.setPassword(password);
        }
        if (options.tls()) {
            clientOptions.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (options.tlsCaFile() != null) {
                clientOptions.setTrustOptions(new PemTrustOptions().addCertPath(options.tlsCaFile()));
            }
        }
        MqttClient c = MqttClient.create(vertx, clientOptions);
        long gen = ++generation;
        client = c;
        c.publishCompletionHandler(id -> {
            if (gen == generation) {
                acknowledged(id);
            }
        });
        c.publishHandler(m -> {
            if (gen == generation) {
                onCommand(m);
            }
        });
        c.closeHandler(v -> {
            if (gen == generation) {
                lost("connection closed");
            }
        });
        c.exceptionHandler(e -> lastError = String.valueOf(e.getMessage()));
        c.connect(options.port(), options.host()).onComplete(ar -> {
            if (gen != generation) {
                return;
            }
            if (ar.failed()) {
                lastError = String.valueOf(ar.cause().getMessage());
                retryLater();
                return;
            }
            if (stopping) {
                c.disconnect();
                return;
            }
            connected = true;
            sessionUp = true;
            connects.incrementAndGet();
            backoff.reset();
            LOG.log(System.Logger.Level.INFO, "MQTT: connected to {0}:{1,number,#} as {2}, publishing {3}/...",
                    options.host(), options.port(), c.clientId(), nodeTopic);
            if (options.allowCommands()) {
                c.subscribe(nodeTopic + "/+/command", 1);
            }
            // Sent first, before what waited: subscribers learn the node is back before its backlog.
            control.addFirst(new OutboundBuffer.Outgoing(nodeStatusTopic, Buffer.buffer("online"), 0, true));
            if (options.homeAssistant()) {
                HomeAssistantDiscovery.configs(options, config.node(), deviceIds)
                        .forEach((topic, body) -> control.addLast(
                                new OutboundBuffer.Outgoing(topic, body.toBuffer(), 0, true)));
            }
            pump();
        });
    }

    /** The connection went: what was in flight goes back in front, in order, and a reconnect is planned. */
    private void lost(String why) {
        if (stopping) {
            return;
        }
        boolean was = connected || !inFlight.isEmpty() || sessionUp;
        sessionUp = false;
        connected = false;
        generation++;
        List<OutboundBuffer.Outgoing> unsent = new ArrayList<>();
        List<OutboundBuffer.Outgoing> replies = new ArrayList<>();
        for (OutboundBuffer.Outgoing m : inFlight.values()) {
            if (m.events() > 0) {
                unsent.add(m);
            } else if (m.topic().endsWith("/reply")) {
                replies.add(m);
            }
            // A status, the node's online and a discovery config are sent anew: the next interval, the
            // next connect.
        }
        for (int i = replies.size() - 1; i >= 0; i--) {
            control.addFirst(replies.get(i));
        }
        inFlight.clear();
        packetIds.clear();
        earlyAcks.clear();
        events.requeueFirst(unsent);
        pump();
        if (was) {
            LOG.log(System.Logger.Level.WARNING, "MQTT: lost the broker at {0}:{1,number,#} ({2}); {3} events "
                    + "wait for it", options.host(), options.port(), why, events.events());
        }
        retryLater();
    }

    private void retryLater() {
        if (stopping) {
            return;
        }
        long delay = backoff.nextDelayMs();
        reconnectTimer = vertx.setTimer(delay, id -> {
            reconnectTimer = -1;
            String password;
            try {
                password = password();
            } catch (ConfigException e) {
                lastError = e.getMessage();
                LOG.log(System.Logger.Level.WARNING, "MQTT: {0}", e.getMessage());
                retryLater();
                return;
            }
            connect(password);
        });
    }

    private void onCommand(MqttPublishMessage message) {
        String topic = message.topicName();
        String prefix = nodeTopic + "/";
        if (!topic.startsWith(prefix) || !topic.endsWith("/command")) {
            return;
        }
        String device = topic.substring(prefix.length(), topic.length() - "/command".length());
        if (device.contains("/")) {
            return;
        }
        commands.incrementAndGet();
        Buffer payload = message.payload().copy();
        mqttCommands.handle(device, payload).onSuccess(reply -> {
            if (!reply.getBoolean("ok")) {
                LOG.log(System.Logger.Level.INFO, "MQTT: command to {0} refused ({1}): {2}", device,
                        reply.getInteger("code"), reply.getString("message"));
            }
            sendControl(prefix + device + "/reply", reply.toBuffer(), false);
        });
    }

    /** The password of {@code mqtt.passwordFile}, read at each connect, so a changed file needs no restart. */
    private String password() {
        if (options.passwordFile() == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(options.passwordFile()), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("").strip();
        } catch (IOException e) {
            throw new ConfigException("mqtt.passwordFile", "cannot read " + options.passwordFile() + ": "
                    + e.getMessage());
        }
    }

    /** The {@code mqtt} object of this node's {@code mypoll.status}. */
    private void shareStatus() {
        vertx.sharedData().<String, JsonObject>getLocalMap(NodeStatus.PARTS).put("mqtt", new JsonObject()
                .put("broker", options.host() + ":" + options.port())
                .put("connected", connected)
                .put("buffered", bufferedEvents)
                .put("bufferedBytes", bufferedBytes)
                .put("published", published.get())
                .put("dropped", dropped.get())
                .put("connects", connects.get())
                .put("commands", commands.get())
                .put("lastError", lastError));
    }

    private void registerMeters() {
        MeterRegistry registry = config.metrics().registry();
        if (registry == null) {
            return;
        }
        meters.add(Gauge.builder("mypoll.mqtt.connected", this, p -> p.connected ? 1 : 0)
                .description("1 while the bridge is connected to the MQTT broker").register(registry));
        meters.add(Gauge.builder("mypoll.mqtt.buffered", this, p -> p.bufferedEvents)
                .description("Events waiting for the MQTT broker (buffered and in flight)").register(registry));
        meters.add(Gauge.builder("mypoll.mqtt.buffered.bytes", this, p -> p.bufferedBytes).baseUnit("bytes")
                .description("Bytes of messages waiting for the MQTT broker").register(registry));
        counter(registry, "mypoll.mqtt.published", "Events published to the MQTT broker", published);
        counter(registry, "mypoll.mqtt.dropped", "Events dropped: the buffer for the MQTT broker was full",
                dropped);
        counter(registry, "mypoll.mqtt.connects", "Connections made to the MQTT broker", connects);
        counter(registry, "mypoll.mqtt.commands", "Commands received on the MQTT command topics", commands);
        counter(registry, "mypoll.mqtt.replies.dropped", "Replies dropped: too many waited for the broker",
                controlDropped);
    }

    private void counter(MeterRegistry registry, String name, String description, AtomicLong count) {
        meters.add(FunctionCounter.builder(name, count, AtomicLong::get).description(description)
                .register(registry));
    }
}
