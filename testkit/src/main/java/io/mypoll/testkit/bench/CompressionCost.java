// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventJson;
import io.mypoll.driver.mypoll.EventType;
import io.mypoll.driver.mypoll.MypollEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * What permessage-deflate would give and cost the bridge's WebSocket frames:
 * frames made as the bridge makes them (a SockJS array holding an event-bus
 * frame of one event, or of a batch of 256), deflated as permessage-deflate
 * does (raw deflate, one context per socket kept across messages, a sync
 * flush per message, Vert.x's default level 6). Prints, per kind of frame,
 * the bytes on the wire without and with compression and the CPU time that
 * deflating one frame for one socket takes; a server deflates each frame once
 * per socket.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.CompressionCost [ROUNDS]</pre>
 */
public final class CompressionCost {
    private static final int FRAMES = 20_000;

    private CompressionCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("frame            events  bytes  deflated  ratio  us/frame/socket  (round)");
        for (int round = 1; round <= rounds; round++) {
            measure("lone event", 1, round);
            measure("batch of 256", 256, round);
        }
    }

    private static void measure(String name, int eventsPerFrame, int round) {
        EventJson json = new EventJson("node1");
        json.startBatch();
        long seq = 0;
        byte[][] frames = new byte[FRAMES / eventsPerFrame + 100][];
        for (int f = 0; f < frames.length; f++) {
            JsonArray body = new JsonArray();
            for (int e = 0; e < eventsPerFrame; e++) {
                seq++;
                long now = System.nanoTime();
                body.add(json.encode("mypoll", new MypollEvent(seq, now - 20_000, EventType.TIMER, 0,
                        new byte[0], now)));
            }
            JsonObject frame = new JsonObject().put("type", "rec").put("address", Addresses.BROWSER_EVENT_BATCHES)
                    .put("body", eventsPerFrame == 1 ? body.getJsonObject(0) : body);
            frames[f] = ("a" + new JsonArray().add(frame.encode()).encode()).getBytes(StandardCharsets.UTF_8);
        }
        Deflater deflater = new Deflater(6, true);
        byte[] out = new byte[1 << 20];
        long raw = 0;
        long deflated = 0;
        long cpuNs = 0;
        int counted = 0;
        for (int f = 0; f < frames.length; f++) {
            long start = System.nanoTime();
            deflater.setInput(frames[f]);
            int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            long took = System.nanoTime() - start;
            // The first 100 warm the JIT and fill the deflate window, as a long-lived socket's would be.
            if (f >= 100) {
                raw += frames[f].length;
                deflated += n - 4;
                cpuNs += took;
                counted++;
            }
        }
        deflater.end();
        System.out.printf(Locale.ROOT, "%-16s %6d %6d %9d %6.1f %16.2f  (%d)%n", name, eventsPerFrame, raw / counted,
                deflated / counted, (double) raw / deflated, cpuNs / 1000.0 / counted, round);
    }
}
