package io.mypoll.bridge;

/** The event-bus addresses of the bridge's contract. */
public final class Addresses {
    private Addresses() {
    }

    /** Publish: one event per message. */
    public static final String EVENTS = "mypoll.events";
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
