// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.evdev.InputAbi;
import io.mypoll.driver.evdev.InputCodes;
import io.mypoll.driver.evdev.InputEvent;
import io.mypoll.driver.evdev.InputFrame;
import io.mypoll.driver.gpio.GpioDevice;
import io.mypoll.driver.mypoll.MypollEvent;
import io.vertx.core.json.JsonArray;
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

    /** The node's name that each event carries. */
    public String node() {
        return node;
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
        json.put("lost", event.lost());
        if (event instanceof MypollEvent mypoll) {
            json.put("payload", mypoll.payloadText());
        } else if (event instanceof GpioDevice.GpioEdge edge) {
            json.put("line", edge.offset()).put("name", edge.name()).put("value", edge.value())
                    .put("lineSeq", edge.lineSeq());
        } else if (event instanceof InputFrame frame) {
            json.put("events", inputEvents(frame));
            if (frame.dropped()) {
                // The kernel says events were dropped, not how many.
                json.putNull("lost");
            }
        }
        return json.put("latencyUs", Math.round(event.latencyUs() * 10) / 10.0);
    }

    /** The frame's events by the kernel's names; a key's value also as press, release or repeat. */
    private static JsonArray inputEvents(InputFrame frame) {
        InputCodes codes = InputCodes.builtIn();
        JsonArray events = new JsonArray(new java.util.ArrayList<>(frame.events().size()));
        for (InputEvent e : frame.events()) {
            JsonObject json = new JsonObject()
                    .put("type", codes.type(e.type()))
                    .put("code", codes.code(e.type(), e.code()))
                    .put("value", e.value());
            if (e.type() == InputAbi.EV_KEY) {
                json.put("action", e.keyAction());
            }
            events.add(json);
        }
        return events;
    }
}
