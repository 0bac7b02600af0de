// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.eventbus.DeliveryOptions;

/** The event-bus addresses of the bridge's contract; the README's contract table says what each carries. */
public final class Addresses {
    private Addresses() {
    }

    /** Publish: one event per message ({@link EventJson}). */
    public static final String EVENTS = "mypoll.events";
    /**
     * Publish, on this node only: an {@link EventBatch}, the events of one read of one of this node's devices,
     * as Java objects, the same instance for every consumer: the fast path for consumers in the bridge's JVM.
     */
    public static final String LOCAL_EVENT_BATCHES = "mypoll.events.local";
    /**
     * Publish, in a cluster: {"node", "nodeId", "device", "events": [event, ...]}, the events of one read of
     * one device, for the other nodes, which publish each event on {@link #EVENTS} for their consumers.
     */
    public static final String NODE_EVENT_BATCHES = "mypoll.events.batch";
    /**
     * For browsers only: a JSON array of events per message, many per WebSocket frame, for high rates.
     * Only the SockJS bridge serves it, to each socket that registers it; no event-bus consumer receives it.
     */
    public static final String BROWSER_EVENT_BATCHES = "mypoll.events.batched";
    /** Publish, once per status interval per node, and when a node stops or leaves: {@link NodeStatus}. */
    public static final String STATUS = "mypoll.status";
    /** Publish, once per status interval per node serving HTTP: {@link SocketStatus}. */
    public static final String SOCKETS = "mypoll.sockets";
    /** Request/reply: the list of devices. */
    public static final String DEVICES = "mypoll.devices";

    /** For messages that must not leave this node: per-event copies, and what each node makes for itself. */
    public static final DeliveryOptions LOCAL_ONLY = new DeliveryOptions().setLocalOnly(true);

    /** Request/reply: {@link TriggerRequest}. */
    public static String trigger(String device) {
        return "mypoll.trigger." + device;
    }

    /** Request/reply: {@link HistoryRequest}; the device's kept events and per-second counts. */
    public static String history(String device) {
        return "mypoll.history." + device;
    }

    /** Request/reply: {@link ControlRequest}. */
    public static String control(String device) {
        return "mypoll.control." + device;
    }
}
