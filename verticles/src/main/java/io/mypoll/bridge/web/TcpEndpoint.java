// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.TcpOptions;
import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The TCP endpoint of the event bus ({@code tcp.*}): the protocol of Vert.x's
 * vertx-tcp-eventbus-bridge, so its clients (Python, C, Go, ...) connect as
 * they are. Each frame is a 4-byte big-endian length, then that many bytes of
 * JSON: {@code register}, {@code unregister}, {@code send}, {@code publish},
 * {@code ping} from the client; {@code message}, {@code err}, {@code pong}
 * from the bridge.
 *
 * <p>A client may do here exactly what a SockJS client may do: the same
 * {@link ClientAccess} says which addresses it may receive and send requests
 * to, the same {@link RequestRelay} checks each request and bounds those
 * waiting for their reply, and the same {@link EventFanOut} bounds what waits
 * to be written to a socket. The endpoint is the project's own rather than
 * the module's {@code TcpEventBusBridge}, which reads a frame of any length
 * its prefix announces (up to 2 GB of heap per socket), logs every malformed
 * frame with its stack trace, and tells nothing of sockets that open or
 * close; the frames are the module's, and its tests use its frame code.
 *
 * <p>With {@code http.auth.tokenFile}, a socket's first frame other than a
 * {@code ping} must carry the token in {@code headers.token}; one that does
 * not is refused and the socket closed. A client whose {@code register}
 * frames carry no headers (the official Python client's) authenticates with a
 * request to {@value #AUTH} that carries them. Runs on the HTTP verticle's
 * event loop, like the SockJS endpoint, so its state needs no lock.
 */
final class TcpEndpoint {
    /** A request answered by the endpoint itself, {@code {"authenticated": true}}: a frame to carry the token. */
    static final String AUTH = "mypoll.auth";
    private static final String DENIED = "access_denied";
    private final Vertx vertx;
    private final TcpOptions options;
    private final BridgeConfig config;
    /** Null: no token needed. */
    private final TokenAuthentication token;
    private final ClientAccess access;
    private final RequestRelay relay;
    /** The registrable addresses' fan-outs but the batched one, which {@link #batches} holds. */
    private final Map<String, EventFanOut> fanOuts = new LinkedHashMap<>();
    private final EventBatches batches;
    private final Map<NetSocket, Client> clients = new HashMap<>();
    private final int maxFrameBytes;
    private long refused;
    private NetServer server;

    /** One open socket. */
    private static final class Client {
        boolean authenticated;
        /** Refused and being closed: what it sent after that is not read. */
        boolean closing;
    }

    TcpEndpoint(Vertx vertx, BridgeConfig config, TokenAuthentication token) {
        this.vertx = vertx;
        this.config = config;
        this.options = config.tcp();
        this.token = token;
        this.access = new ClientAccess(config.bridge());
        this.maxFrameBytes = config.bridge().maxFrameBytes();
        this.relay = new RequestRelay(vertx, BridgeProtocol.TCP, config.bridge().maxRequestsPerSocket());
        this.batches = new EventBatches(vertx, Addresses.BROWSER_EVENT_BATCHES, config.bridge().batchMaxEvents(),
                BridgeProtocol.TCP);
        for (String address : ClientAccess.RECEIVABLE) {
            if (!address.equals(Addresses.BROWSER_EVENT_BATCHES)) {
                fanOuts.put(address, new EventFanOut(address, BridgeProtocol.TCP));
            }
        }
    }

    /** Listens on {@code tcp.host:tcp.port}; completes with the port bound. */
    Future<Integer> listen() {
        EventFanOut events = fanOuts.get(Addresses.EVENTS);
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, message -> {
            if (events.isEmpty() && batches.sockets().isEmpty()) {
                return;
            }
            // Encoded once, for both kinds of frame and every socket.
            String json = message.body().encode();
            events.publish(json);
            batches.add(json);
        });
        for (String address : List.of(Addresses.STATUS, Addresses.SOCKETS)) {
            EventFanOut fanOut = fanOuts.get(address);
            vertx.eventBus().<JsonObject>consumer(address, message -> fanOut.publish(message.body().encode()));
        }
        NetServerOptions serverOptions = new NetServerOptions()
                // Silence from the client, not from the bridge: a client that only listens still pings.
                .setReadIdleTimeout(options.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (config.http().tls() != null) {
            serverOptions.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.http().tls().certFile()).setKeyPath(config.http().tls().keyFile()));
        }
        server = vertx.createNetServer(serverOptions).connectHandler(this::connected);
        return server.listen(options.port(), options.host()).map(NetServer::actualPort);
    }

    private void connected(NetSocket socket) {
        if (clients.size() >= options.maxConnections()) {
            refused++;
            socket.write(BridgeProtocol.TCP.encode(BridgeProtocol.TCP.refusal(options.maxConnections()
                    + " sockets are open, the limit (tcp.maxConnections)"))).onComplete(v -> socket.close());
            return;
        }
        Client client = new Client();
        clients.put(socket, client);
        socket.setWriteQueueMaxSize(config.bridge().socketBufferBytes());
        socket.closeHandler(v -> closed(socket));
        // A reset by the peer is its going, not the bridge's error: nothing to log.
        socket.exceptionHandler(e -> socket.close());
        RecordParser parser = RecordParser.newFixed(4);
        parser.handler(new Handler<>() {
            /** The length of the frame being read; -1 while its length is. */
            private int length = -1;

            @Override
            public void handle(Buffer record) {
                if (client.closing) {
                    return;
                }
                if (length >= 0) {
                    length = -1;
                    parser.fixedSizeMode(4);
                    onFrame(socket, client, record);
                    return;
                }
                int announced = record.getInt(0);
                if (announced < 0 || announced > maxFrameBytes) {
                    // Never read: the announced length, not the bytes that follow, decides.
                    refuseAndClose(socket, client, "a frame of " + Integer.toUnsignedString(announced)
                            + " bytes is over bridge.maxFrameBytes (" + maxFrameBytes + ")");
                } else if (announced == 0) {
                    relay.refuse(socket, "malformed frame: empty");
                } else {
                    length = announced;
                    parser.fixedSizeMode(announced);
                }
            }
        });
        socket.handler(parser);
    }

    private void onFrame(NetSocket socket, Client client, Buffer bytes) {
        JsonObject frame;
        try {
            frame = bytes.toJsonObject();
        } catch (RuntimeException e) {
            // Neither the bytes nor the parser's words: a client must not write into the bridge's answers.
            relay.refuse(socket, "malformed frame: not a JSON object");
            return;
        }
        Object type = frame.getValue("type");
        if ("ping".equals(type)) {
            socket.write(BridgeProtocol.TCP.encode(new JsonObject().put("type", "pong")));
            return;
        }
        if (token != null && !client.authenticated) {
            Object given = frame.getValue("headers") instanceof JsonObject headers ? headers.getValue("token") : null;
            if (!(given instanceof String text) || !token.matches(text)) {
                refuseAndClose(socket, client, given == null
                        ? "token required: the first frame carries it in headers.token (http.auth.tokenFile)"
                        : "wrong token");
                return;
            }
            client.authenticated = true;
        }
        if (!(type instanceof String kind)) {
            relay.refuse(socket, "unknown_type");
            return;
        }
        switch (kind) {
            case "register", "unregister" -> {
                if (!(frame.getValue("address") instanceof String address) || !access.mayReceive(address)) {
                    relay.refuse(socket, DENIED);
                    return;
                }
                EventFanOut fanOut = address.equals(Addresses.BROWSER_EVENT_BATCHES) ? batches.sockets()
                        : fanOuts.get(address);
                if (kind.equals("register")) {
                    fanOut.add(socket);
                } else {
                    fanOut.remove(socket);
                }
            }
            case "send", "publish" -> {
                String malformed = ClientAccess.malformed(frame);
                if (malformed != null) {
                    relay.refuse(socket, malformed);
                } else if (AUTH.equals(frame.getString("address"))) {
                    if (frame.getValue("replyAddress") instanceof String reply) {
                        socket.write(BridgeProtocol.TCP.encode(BridgeProtocol.TCP.reply(reply,
                                new JsonObject().put("authenticated", true))));
                    }
                } else if (access.mayRequest(frame.getString("address"))) {
                    relay.forward(socket, frame);
                } else {
                    relay.refuse(socket, DENIED);
                }
            }
            default -> relay.refuse(socket, "unknown_type");
        }
    }

    /** An error frame, then the socket closes once it is written; nothing it sent afterwards is read. */
    private void refuseAndClose(NetSocket socket, Client client, String message) {
        client.closing = true;
        socket.pause();
        socket.write(BridgeProtocol.TCP.encode(BridgeProtocol.TCP.refusal(message))).onComplete(v -> socket.close());
    }

    private void closed(NetSocket socket) {
        clients.remove(socket);
        fanOuts.values().forEach(f -> f.remove(socket));
        batches.sockets().remove(socket);
        relay.closed(socket);
    }

    /** Open sockets. */
    int sockets() {
        return clients.size();
    }

    /** Messages dropped for sockets that could not take them. */
    long dropped() {
        return fanOuts.values().stream().mapToLong(EventFanOut::dropped).sum() + batches.sockets().dropped();
    }

    /** Sockets closed at once because {@code tcp.maxConnections} were open, so far. */
    long refused() {
        return refused;
    }
}
