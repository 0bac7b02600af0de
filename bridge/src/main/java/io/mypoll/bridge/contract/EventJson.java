package io.mypoll.bridge.contract;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.mypoll.MypollEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Encodes events as the body of {@code mypoll.events}. One instance per
 * publishing thread: it caches the wall-clock text of the last read time,
 * which all records of one read() share.
 */
public final class EventJson {
    private final String node;
    private long wallMinusMonotonicNs;
    private long cachedReadNs = Long.MIN_VALUE;
    private String cachedTime;

    public EventJson(String node) {
        this.node = node;
    }

    /** Takes the wall clock once per batch, so "time" follows clock adjustments. */
    public void startBatch() {
        Instant now = Instant.now();
        wallMinusMonotonicNs = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
    }

    /** The common fields of every device type, then the type's own. */
    public JsonObject encode(String device, DeviceEvent event) {
        if (event.readNs() != cachedReadNs) {
            cachedReadNs = event.readNs();
            long wall = event.readNs() + wallMinusMonotonicNs;
            cachedTime = Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L))
                    .toString();
        }
        JsonObject json = new JsonObject()
                .put("device", device)
                .put("node", node)
                .put("seq", event.seq())
                .put("type", event.typeName())
                .put("tsNs", event.tsNs())
                .put("time", cachedTime);
        if (event instanceof MypollEvent mypoll) {
            json.put("payload", mypoll.payloadText());
        }
        return json.put("lost", event.lost())
                .put("latencyUs", Math.round(event.latencyUs() * 10) / 10.0);
    }
}
