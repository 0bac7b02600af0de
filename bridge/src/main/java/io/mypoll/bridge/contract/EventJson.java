package io.mypoll.bridge;

import io.mypoll.driver.DeviceEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Encodes events as the body of {@code mypoll.events}. One instance per
 * publishing thread: it caches the wall-clock text of the last read time,
 * which all records of one read() share.
 */
final class EventJson {
    private final String node;
    private long wallMinusMonotonicNs;
    private long cachedReadNs = Long.MIN_VALUE;
    private String cachedTime;

    EventJson(String node) {
        this.node = node;
    }

    /** Takes the wall clock once per batch, so "time" follows clock adjustments. */
    void startBatch() {
        Instant now = Instant.now();
        wallMinusMonotonicNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    JsonObject encode(String device, DeviceEvent event) {
        if (event.readNs() != cachedReadNs) {
            cachedReadNs = event.readNs();
            long wall = event.readNs() + wallMinusMonotonicNs;
            cachedTime = Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L))
                    .toString();
        }
        return new JsonObject()
                .put("device", device)
                .put("node", node)
                .put("seq", event.seq())
                .put("type", event.type().label())
                .put("tsNs", event.tsNs())
                .put("time", cachedTime)
                .put("payload", event.payloadText())
                .put("lost", event.lost())
                .put("latencyUs", Math.round(event.latencyUs() * 10) / 10.0);
    }
}
