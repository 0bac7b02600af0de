package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeConfig.BridgeOptions;
import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The SockJS endpoint of the event bus ({@code /eventbus}), Vert.x's SockJS
 * bridge. It denies by default: browsers may receive only
 * {@code mypoll.events}, {@code mypoll.status} and {@code mypoll.sockets}, and send only to
 * {@code mypoll.trigger.<device>} (and {@code mypoll.control.<device>} when
 * control is enabled).
 *
 * <p>A socket whose write queue is full has the messages meant for it dropped
 * and counted, so a slow browser costs a bounded amount of memory.
 */
final class SockJsEndpoint {
    private final LongAdder dropped = new LongAdder();
    private final AtomicInteger sockets = new AtomicInteger();

    Router router(Vertx vertx, BridgeOptions options) {
        SockJSBridgeOptions bridge = new SockJSBridgeOptions()
                .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.EVENTS))
                .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.STATUS))
                .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.SOCKETS))
                .addInboundPermitted(new PermittedOptions().setAddressRegex("mypoll\\.trigger\\.[A-Za-z0-9_-]+"))
                .setPingTimeout(options.pingTimeoutMs())
                .setMaxHandlersPerSocket(options.maxHandlersPerSocket());
        if (options.allowControl()) {
            bridge.addInboundPermitted(new PermittedOptions().setAddressRegex("mypoll\\.control\\.[A-Za-z0-9_-]+"));
        }
        return SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false))
                .bridge(bridge, this::onBridgeEvent);
    }

    private void onBridgeEvent(BridgeEvent event) {
        BridgeEventType type = event.type();
        if (type == BridgeEventType.RECEIVE) {
            boolean full;
            try {
                full = event.socket().writeQueueFull();
            } catch (IllegalStateException closed) {
                // The socket closed (ping timeout, client gone) before the bridge unregistered it.
                event.complete(false);
                return;
            }
            if (full) {
                dropped.increment();
                event.complete(false);
                return;
            }
        }
        if (type == BridgeEventType.SOCKET_CREATED) {
            sockets.incrementAndGet();
        } else if (type == BridgeEventType.SOCKET_CLOSED) {
            sockets.decrementAndGet();
        }
        event.complete(true);
    }

    /** Messages dropped for sockets that could not take them. */
    long dropped() {
        return dropped.sum();
    }

    /** Open bridge sockets. */
    int sockets() {
        return sockets.get();
    }
}
