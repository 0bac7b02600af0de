// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeOptions;
import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The SockJS endpoint of the event bus ({@code /eventbus}), Vert.x's SockJS
 * bridge. It denies by default: browsers may receive only
 * {@code mypoll.events}, {@code mypoll.events.batched}, {@code mypoll.status}
 * and {@code mypoll.sockets},
 * and send only requests to {@code mypoll.trigger.<device>} and
 * {@code mypoll.history.<device>} (and {@code mypoll.control.<device>} when
 * control is enabled), as {@link ClientAccess} says for every endpoint. A page asks for the history on the socket that it
 * registered on, so the bridge has its registration when the history is
 * taken: every later event reaches it live.
 *
 * <p>Two kinds of traffic bypass the bridge's own handling, each for a bound:
 * events reach the sockets through an {@link EventFanOut} and
 * {@link EventBatches} (a registration of {@code mypoll.events} or
 * {@code mypoll.events.batched} becomes one of the socket's private
 * address, which nothing publishes to), and requests go through a {@link RequestRelay} (the
 * frame the bridge then forwards goes to a sink address, without a reply).
 * Used on the HTTP verticle's event loop only.
 */
final class SockJsEndpoint {
    private static final String PRIVATE_PREFIX = "mypoll.socket.";
    /** Where the bridge forwards frames that the relay has answered: nobody listens, nothing comes back. */
    private static final String SINK = "mypoll.sink";

    private final BridgeOptions options;
    private final ClientAccess access;
    private final EventFanOut events = new EventFanOut(Addresses.EVENTS, BridgeProtocol.SOCKJS);
    private final EventBatches batches;
    private final RequestRelay relay;
    /** Each socket's private address. */
    private final Map<SockJSSocket, String> privateAddress = new HashMap<>();
    /**
     * Sockets that have registered nothing yet, oldest first. A socket that only holds a connection counts
     * against {@link #idleBudget}: past it, the oldest is closed, so idle sockets cannot take every connection
     * from those that read events.
     */
    private final Set<SockJSSocket> unregistered = new LinkedHashSet<>();
    private final int idleBudget;
    private long droppedByBridge;
    private long idleClosed;

    /** @param maxConnections the HTTP server's limit; a quarter of it may be sockets that registered nothing */
    SockJsEndpoint(Vertx vertx, BridgeOptions options, int maxConnections) {
        this.options = options;
        this.access = new ClientAccess(options);
        this.idleBudget = Math.max(1, maxConnections / 4);
        this.batches = new EventBatches(vertx, Addresses.BROWSER_EVENT_BATCHES, options.batchMaxEvents(),
                BridgeProtocol.SOCKJS);
        this.relay = new RequestRelay(vertx, BridgeProtocol.SOCKJS, options.maxRequestsPerSocket());
    }

    Router router(Vertx vertx) {
        // The events and the batches become each socket's private address before the bridge checks them;
        // requests are checked here (forwardRequest), so the bridge itself lets in only the sink.
        SockJSBridgeOptions bridge = new SockJSBridgeOptions()
                .addOutboundPermitted(new PermittedOptions().setAddressRegex(Pattern.quote(PRIVATE_PREFIX) + ".+"))
                .addInboundPermitted(new PermittedOptions().setAddress(SINK))
                .setPingTimeout(options.pingTimeoutMs())
                .setMaxHandlersPerSocket(options.maxHandlersPerSocket());
        ClientAccess.RECEIVABLE.forEach(address -> bridge.addOutboundPermitted(
                new PermittedOptions().setAddress(address)));
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, message -> {
            if (events.isEmpty() && batches.sockets().isEmpty()) {
                return;
            }
            // Encoded once, for both kinds of frame and every socket.
            String json = message.body().encode();
            events.publish(json);
            batches.add(json);
        });
        return SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false))
                .bridge(bridge, this::onBridgeEvent);
    }

    private void onBridgeEvent(BridgeEvent event) {
        SockJSSocket socket = event.socket();
        JsonObject frame = event.getRawMessage();
        switch (event.type()) {
            case SOCKET_CREATED -> {
                socket.setWriteQueueMaxSize(options.socketBufferBytes());
                privateAddress.put(socket, PRIVATE_PREFIX + UUID.randomUUID());
                unregistered.add(socket);
                if (unregistered.size() > idleBudget) {
                    SockJSSocket oldest = unregistered.iterator().next();
                    unregistered.remove(oldest);
                    idleClosed++;
                    oldest.close(1008, "registered nothing: too many such sockets");
                }
            }
            case SOCKET_ERROR -> {
                // The bridge has already dropped the socket's registrations: what is left is dead. The client
                // must learn why: a frame or message over bridge.maxFrameBytes (Vert.x's or Netty's words),
                // or a frame the protocol forbids (such as one with a reserved bit that no extension uses).
                // The event carries the error's message only, not the error.
                String message = String.valueOf(frame == null ? null : frame.getValue("message"));
                if (message.contains("max message size") || message.contains("Max frame length")) {
                    socket.close(1009, "message over " + options.maxFrameBytes() + " bytes");
                } else if (message.contains("RSV") || message.contains("protocol")) {
                    socket.close(1002, "protocol error");
                } else {
                    socket.close();
                }
            }
            case SOCKET_CLOSED -> {
                events.remove(socket);
                batches.sockets().remove(socket);
                relay.closed(socket);
                privateAddress.remove(socket);
                unregistered.remove(socket);
            }
            case REGISTER, UNREGISTER -> {
                if (!(frame.getValue("address") instanceof String address) || address.startsWith(PRIVATE_PREFIX)
                        && !address.equals(privateAddress.get(socket))) {
                    event.complete(false);
                    return;
                }
                unregistered.remove(socket);
                EventFanOut fanOut = address.equals(events.address()) ? events
                        : address.equals(batches.sockets().address()) ? batches.sockets() : null;
                if (fanOut != null || address.equals(privateAddress.get(socket))) {
                    frame.put("address", privateAddress.get(socket));
                    if (fanOut != null && event.type() == BridgeEventType.REGISTER) {
                        fanOut.add(socket);
                    } else if (fanOut != null) {
                        fanOut.remove(socket);
                    }
                }
            }
            case SEND, PUBLISH -> forwardRequest(socket, frame);
            case RECEIVE -> {
                boolean full;
                try {
                    full = socket.writeQueueFull();
                } catch (IllegalStateException closed) {
                    // The socket closed (ping timeout, client gone) before the bridge unregistered it.
                    event.complete(false);
                    return;
                }
                if (full) {
                    droppedByBridge++;
                    event.complete(false);
                    return;
                }
            }
            default -> {
            }
        }
        event.complete(true);
    }

    /**
     * A request for a device goes to the relay, and the bridge forwards the
     * frame to the sink; anything else the bridge checks against its
     * permissions. A frame whose fields would break the bridge is answered here.
     */
    private void forwardRequest(SockJSSocket socket, JsonObject frame) {
        String malformed = ClientAccess.malformed(frame);
        if (malformed != null) {
            relay.refuse(socket, malformed);
            toSink(frame);
            return;
        }
        if (access.mayRequest(frame.getString("address"))) {
            relay.forward(socket, frame);
            toSink(frame);
        }
    }

    private static void toSink(JsonObject frame) {
        frame.put("address", SINK).remove("replyAddress");
        frame.remove("headers");
    }

    /** Messages dropped for sockets that could not take them. */
    long dropped() {
        return events.dropped() + batches.sockets().dropped() + droppedByBridge;
    }

    /** Sockets closed because too many had registered nothing, so far. */
    long idleClosed() {
        return idleClosed;
    }

    /** Open bridge sockets. */
    int sockets() {
        return privateAddress.size();
    }
}
