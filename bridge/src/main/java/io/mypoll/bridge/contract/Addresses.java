package io.mypoll.bridge;

/** The event-bus addresses of the bridge's contract. */
public final class Addresses {
    private Addresses() {
    }

    /** Publish: one event per message. */
    public static final String EVENTS = "mypoll.events";
    /**
     * Publish, in a cluster: {"node", "nodeId", "device", "events": [event, ...]}, the events of one read of
     * one device, for the other nodes, which publish each event on {@link #EVENTS} for their consumers.
     */
    public static final String EVENT_BATCHES = "mypoll.events.batch";
    /** Publish, once per status interval: per-device counters. */
    public static final String STATUS = "mypoll.status";
    /** Request/reply: the list of devices. */
    public static final String DEVICES = "mypoll.devices";

    /** Request/reply: {"payload": "text"} writes a manual trigger to the device. */
    public static String trigger(String device) {
        return "mypoll.trigger." + device;
    }

    /** Request/reply: {"periodMs": n} sets the device's timer period. */
    public static String control(String device) {
        return "mypoll.control." + device;
    }
}
