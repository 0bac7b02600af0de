// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.HeapUse;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Messages and bodies that inflate to far more than they weigh on the wire:
 * a WebSocket message is inflated no further than the frame limit and then
 * closes its socket as too big; a compressed request body is refused.
 */
@ExtendWith(VertxExtension.class)
class CompressionBombTest {
    private static final int INFLATED = 64 << 20;

    @Test
    void aWebSocketOfferingCompressionAgreesToPermessageDeflate(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        try (RawWebSocket ws = RawWebSocket.open(web.http.port(), true)) {
            assertNotNull(ws.extensions, "an extension agreed");
            assertTrue(ws.extensions.startsWith("permessage-deflate"), ws.extensions);
        }
    }

    @Test
    void aCompressedMessageIsInflatedAndTheBridgeAnswersUncompressed(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 200);
        try (RawWebSocket ws = RawWebSocket.open(web.http.port(), true)) {
            JsonObject register = new JsonObject().put("type", "register").put("address", Addresses.EVENTS);
            ws.sendCompressed(RawWebSocket.deflated(register.toBuffer().getBytes()));
            RawWebSocket.Frame frame = ws.readFrame(10_000);
            assertFalse(frame.compressed(), "the bridge's frame is sent uncompressed");
            JsonObject message = new JsonObject(Buffer.buffer(frame.payload()));
            assertEquals(Addresses.EVENTS, message.getString("address"), message.encode());
        }
    }

    @Test
    void compressedMessagesThatWouldInflateTo64MbCloseTheirSocketsAndCostNoHeap(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 2_000);
        byte[] bomb = RawWebSocket.deflated(new byte[INFLATED]);
        assertTrue(bomb.length < 100_000, "a bomb is " + bomb.length + " bytes on the wire");
        EventBusSocket good = web.registered(Addresses.EVENTS);
        long heapBefore = HeapUse.afterGc();
        for (int i = 0; i < 16; i++) {
            try (RawWebSocket ws = RawWebSocket.open(web.http.port(), true)) {
                ws.sendCompressed(bomb);
                // Inflation stops at bridge.maxFrameBytes, and the message is too big, as if sent plain.
                assertEquals(1009, ws.awaitClose(10_000), "bomb " + i + " closed as too big");
            }
        }
        long grownMb = (HeapUse.afterGc() - heapBefore) >> 20;
        assertTrue(grownMb < 32, "the heap grew " + grownMb + " MB for 16 bombs");
        assertGotEveryEventWithNoGap(web, good);
    }

    @Test
    void aCompressedRequestBodyIsRefusedNotInflated(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, true, 0);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(new byte[INFLATED]);
        }
        for (String path : new String[] {"/api/devices/d/trigger", "/eventbus/000/abc/xhr_send"}) {
            WebFixture.Response r = web.call(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                    .setPort(web.http.port()).setURI(path).putHeader("Content-Type", "application/json")
                    .putHeader("Content-Encoding", "gzip"), Buffer.buffer(gzipped.toByteArray()));
            assertEquals(415, r.status(), path + ": " + r.body());
        }
        assertEquals(0, web.device.stats().generated(), "no trigger came through");
    }

    /** Timer events at 500/s went on during the bombs: the good client has each, in order. */
    private static void assertGotEveryEventWithNoGap(WebFixture web, EventBusSocket good) throws Exception {
        long generated = web.device.stats().generated();
        long lastSeq = 0;
        long received = 0;
        while (lastSeq < generated) {
            JsonObject frame = good.frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("the good client got " + received + " events, up to seq " + lastSeq
                        + " of " + generated);
            }
            if (!Addresses.EVENTS.equals(frame.getString("address"))) {
                continue;
            }
            long seq = frame.getJsonObject("body").getLong("seq");
            if (lastSeq != 0) {
                assertEquals(lastSeq + 1, seq, "the event after seq " + lastSeq);
            }
            lastSeq = seq;
            received++;
        }
        assertTrue(received > 100, "events flowed during the bombs: " + received);
    }
}
