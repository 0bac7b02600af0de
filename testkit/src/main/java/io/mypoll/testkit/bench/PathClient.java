// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One client of the bridge on one path (the SockJS WebSocket, the TCP bridge, an MQTT broker), in the
 * benchmark's JVM: it counts what arrives as the Node client of {@link WebBenchmark} does, latency from each
 * event's tsNs (CLOCK_MONOTONIC, which System.nanoTime reads on Linux) to its handler, seq gaps, and the
 * burst events, on its event loop; the benchmark's thread reads the counts.
 */
abstract class PathClient implements AutoCloseable {
    /** Guarded by 'this'. */
    private final Histogram latencyNs = new Histogram(60_000_000_000L, 3);
    private long lastSeq;
    private long received;
    private long lost;
    private long gaps;
    private long outOfOrder;
    private long burstEvents;
    private long lastBurstEventNs;
    private boolean recording;

    /** Counts one event that arrived at {@code atNs}. */
    protected final synchronized void onEvent(JsonObject event, long atNs) {
        long seq = event.getLong("seq");
        String type = event.getString("type");
        if ("overrun".equals(type)) {
            // Its seq is the last one lost, its "lost" how many (null: unknown, counted as 1).
            Long overrunLost = event.getLong("lost");
            if (recording) {
                lost += overrunLost == null ? 1 : overrunLost;
                gaps++;
            }
            lastSeq = seq;
            return;
        }
        if (lastSeq != 0 && recording) {
            if (seq > lastSeq + 1) {
                lost += seq - lastSeq - 1;
                gaps++;
            } else if (seq <= lastSeq) {
                outOfOrder++;
            }
        }
        lastSeq = seq;
        if ("burst".equals(type)) {
            burstEvents++;
            lastBurstEventNs = atNs;
        }
        if (recording) {
            received++;
            latencyNs.recordValue(Math.max(0, atNs - event.getLong("tsNs")));
        }
    }

    /** Starts a measured window: the counts and the latency start again from nothing. */
    synchronized void startRecording() {
        latencyNs.reset();
        received = 0;
        lost = 0;
        gaps = 0;
        outOfOrder = 0;
        recording = true;
    }

    synchronized void stopRecording() {
        recording = false;
    }

    /** What the window counted. */
    record Counts(Histogram latencyNs, long received, long lost, long gaps, long outOfOrder) {
    }

    synchronized Counts counts() {
        return new Counts(latencyNs.copy(), received, lost, gaps, outOfOrder);
    }

    synchronized long burstEvents() {
        return burstEvents;
    }

    synchronized long lastBurstEventNs() {
        return lastBurstEventNs;
    }

    /** Waits for a future of the client's event loop, with a deadline. */
    static <T> T await(Future<T> future, String what, long timeoutMs) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + ": nothing within " + timeoutMs + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Connects and subscribes; returns once the bridge or broker takes the client's events. */
    abstract void open() throws Exception;

    @Override
    public abstract void close();

    /** The bridge's SockJS event-bus socket, /eventbus/websocket, as a program connects to it: no Origin. */
    static final class WebSocketPath extends PathClient {
        private final Vertx vertx;
        private final int port;
        private final String address;
        /** Kept with its socket: Vert.x closes a client, and its WebSockets, once the client is garbage. */
        private WebSocketClient wsClient;
        private WebSocket ws;
        private long pinger = -1;
        private volatile Promise<Void> statusSeen;

        WebSocketPath(Vertx vertx, int port, String address) {
            this.vertx = vertx;
            this.port = port;
            this.address = address;
        }

        @Override
        void open() throws Exception {
            wsClient = vertx.createWebSocketClient();
            ws = await(wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
                    .setPort(port).setURI("/eventbus/websocket").setAllowOriginHeader(false)), "WebSocket connect",
                    10_000);
            // The bridge sends its frames as binary WebSocket messages of JSON text.
            ws.handler(data -> {
                long at = System.nanoTime();
                JsonObject frame = data.toJsonObject();
                if ("rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))) {
                    onEvent(frame.getJsonObject("body"), at);
                } else if ("rec".equals(frame.getString("type")) && "mypoll.status".equals(frame.getString("address"))) {
                    Promise<Void> seen = statusSeen;
                    if (seen != null) {
                        seen.tryComplete();
                    }
                } else if ("err".equals(frame.getString("type"))) {
                    System.out.println("the WebSocket bridge answered with an error: " + frame.encode());
                }
            });
            // The bridge acknowledges no register: the first status frame after both registers shows they were
            // handled in order; the status is then left, so that only events come.
            statusSeen = Promise.promise();
            send(new JsonObject().put("type", "register").put("address", address));
            send(new JsonObject().put("type", "register").put("address", "mypoll.status"));
            await(statusSeen.future(), "the first mypoll.status over the WebSocket", 10_000);
            send(new JsonObject().put("type", "unregister").put("address", "mypoll.status"));
            // As the official client: the bridge closes a socket silent for bridge.pingTimeoutMs.
            pinger = vertx.setPeriodic(5_000, id -> send(new JsonObject().put("type", "ping")));
        }

        private void send(JsonObject frame) {
            ws.writeTextMessage(frame.encode());
        }

        @Override
        public void close() {
            vertx.cancelTimer(pinger);
            if (wsClient != null) {
                wsClient.close();
            }
        }
    }

    /** The TCP bridge's frames: a 4-byte big-endian length, then that many bytes of JSON. */
    static final class TcpFrames {
        /** Kept with its socket, as the WebSocket's client. */
        private final NetClient client;
        private final NetSocket socket;

        private TcpFrames(NetClient client, NetSocket socket, java.util.function.Consumer<Buffer> onFrame) {
            this.client = client;
            this.socket = socket;
            RecordParser parser = RecordParser.newFixed(4);
            parser.handler(new io.vertx.core.Handler<>() {
                private boolean header = true;

                @Override
                public void handle(Buffer chunk) {
                    if (header) {
                        parser.fixedSizeMode(chunk.getInt(0));
                    } else {
                        onFrame.accept(chunk);
                        parser.fixedSizeMode(4);
                    }
                    header = !header;
                }
            });
            socket.handler(parser);
        }

        static TcpFrames connect(Vertx vertx, int port, java.util.function.Consumer<Buffer> onFrame)
                throws Exception {
            NetClient client = vertx.createNetClient();
            return new TcpFrames(client, await(client.connect(port, "127.0.0.1"), "TCP bridge connect", 10_000),
                    onFrame);
        }

        void send(JsonObject frame) {
            Buffer json = frame.toBuffer();
            socket.write(Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json));
        }

        void close() {
            client.close();
        }
    }

    /** A client of the TCP bridge, framing by hand as a program in any language would. */
    static final class TcpBridgePath extends PathClient {
        private final Vertx vertx;
        private final int port;
        private final String address;
        private TcpFrames frames;
        private long pinger = -1;
        private volatile Promise<Void> statusSeen;

        TcpBridgePath(Vertx vertx, int port, String address) {
            this.vertx = vertx;
            this.port = port;
            this.address = address;
        }

        @Override
        void open() throws Exception {
            frames = TcpFrames.connect(vertx, port, bytes -> {
                long at = System.nanoTime();
                JsonObject frame = new JsonObject(bytes);
                if ("message".equals(frame.getString("type")) && address.equals(frame.getString("address"))) {
                    onEvent(frame.getJsonObject("body"), at);
                } else if ("mypoll.status".equals(frame.getString("address"))) {
                    Promise<Void> seen = statusSeen;
                    if (seen != null) {
                        seen.tryComplete();
                    }
                } else if ("err".equals(frame.getString("type"))) {
                    System.out.println("the TCP bridge answered with an error: " + frame.encode());
                }
            });
            statusSeen = Promise.promise();
            frames.send(new JsonObject().put("type", "register").put("address", address));
            frames.send(new JsonObject().put("type", "register").put("address", "mypoll.status"));
            await(statusSeen.future(), "the first mypoll.status over the TCP bridge", 10_000);
            frames.send(new JsonObject().put("type", "unregister").put("address", "mypoll.status"));
            // A socket silent for tcp.idleTimeoutSeconds is closed; the official clients ping every 5 s.
            pinger = vertx.setPeriodic(5_000, id -> frames.send(new JsonObject().put("type", "ping")));
        }

        @Override
        public void close() {
            vertx.cancelTimer(pinger);
            if (frames != null) {
                frames.close();
            }
        }
    }

    /**
     * A subscriber of an MQTT broker to which the bridge publishes (mqtt.*): one topic of events, one event a
     * message, at QoS 1 (each message acknowledged to the broker, as Vert.x's client does by itself).
     */
    static final class MqttPath extends PathClient {
        private final Vertx vertx;
        private final int brokerPort;
        private final String topic;
        private MqttClient mqtt;

        MqttPath(Vertx vertx, int brokerPort, String topic) {
            this.vertx = vertx;
            this.brokerPort = brokerPort;
            this.topic = topic;
        }

        @Override
        void open() throws Exception {
            mqtt = MqttClient.create(vertx, new MqttClientOptions().setClientId("mypoll-bench-subscriber")
                    .setCleanSession(true));
            mqtt.publishHandler(message -> {
                long at = System.nanoTime();
                onEvent(message.payload().toJsonObject(), at);
            });
            await(mqtt.connect(brokerPort, "127.0.0.1"), "MQTT connect to 127.0.0.1:" + brokerPort, 10_000);
            Promise<MqttSubAckMessage> subscribed = Promise.promise();
            mqtt.subscribeCompletionHandler(subscribed::tryComplete);
            mqtt.subscribe(topic, MqttQoS.AT_LEAST_ONCE.value());
            MqttSubAckMessage ack = await(subscribed.future(), "MQTT subscribe to " + topic, 10_000);
            if (ack.grantedQoSLevels().isEmpty() || ack.grantedQoSLevels().get(0) != MqttQoS.AT_LEAST_ONCE.value()) {
                throw new IllegalStateException("the broker granted " + ack.grantedQoSLevels() + " for " + topic
                        + ", not QoS 1");
            }
        }

        @Override
        public void close() {
            if (mqtt != null && mqtt.isConnected()) {
                mqtt.disconnect();
            }
        }
    }

    /**
     * Requests to {@code mypoll.control.<device>} over a TCP bridge socket of their own that registers
     * nothing, so that their replies never wait behind events (the bridge needs bridge.allowControl).
     */
    static final class Control implements AutoCloseable {
        private final Vertx vertx;
        private final String device;
        private final Map<String, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
        private final AtomicLong nextReply = new AtomicLong();
        private TcpFrames frames;
        private long pinger = -1;

        Control(Vertx vertx, String device) {
            this.vertx = vertx;
            this.device = device;
        }

        Control open(int port) throws Exception {
            frames = TcpFrames.connect(vertx, port, bytes -> {
                JsonObject frame = new JsonObject(bytes);
                Promise<JsonObject> reply = pending.remove(String.valueOf(frame.getString("address")));
                if (reply == null) {
                    return;
                }
                if ("err".equals(frame.getString("type"))) {
                    reply.fail(frame.getInteger("failureCode") + " " + frame.getString("message"));
                } else {
                    reply.complete(frame.getJsonObject("body"));
                }
            });
            pinger = vertx.setPeriodic(5_000, id -> frames.send(new JsonObject().put("type", "ping")));
            return this;
        }

        /** Sends a request; its reply (or failure) completes the future. */
        Future<JsonObject> request(JsonObject body) {
            String replyAddress = "bench-control-" + nextReply.incrementAndGet();
            Promise<JsonObject> reply = Promise.promise();
            pending.put(replyAddress, reply);
            frames.send(new JsonObject().put("type", "send").put("address", "mypoll.control." + device)
                    .put("body", body).put("replyAddress", replyAddress));
            return reply.future();
        }

        /** Sets the device's timer to {@code rate} events/s (0: off) and waits for the reply. */
        void rate(int rate) throws Exception {
            await(request(new JsonObject().put("periodMs", rate == 0 ? 0 : 1000.0 / rate)),
                    "mypoll.control." + device + " periodMs", 30_000);
        }

        @Override
        public void close() {
            vertx.cancelTimer(pinger);
            if (frames != null) {
                frames.close();
            }
        }
    }
}
