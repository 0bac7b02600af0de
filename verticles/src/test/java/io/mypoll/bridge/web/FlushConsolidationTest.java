// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the frames of per-event sockets leave the bridge: one frame per event, not one flush per frame. */
@ExtendWith(VertxExtension.class)
class FlushConsolidationTest {

    /**
     * Counts the flushes that reach the socket. At the head of the pipeline,
     * so each one it sees is a write to the socket (a {@code writev}).
     */
    private static final class SocketFlushes extends ChannelOutboundHandlerAdapter {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void flush(ChannelHandlerContext ctx) {
            count.incrementAndGet();
            ctx.flush();
        }
    }

    /** Counts, from now on, the flushes of the server's end of that socket. */
    private static SocketFlushes watch(WebFixture web, EventBusSocket socket) throws Exception {
        SocketFlushes flushes = new SocketFlushes();
        web.http.pipelineOf(socket.ws.localAddress()).map(pipeline -> pipeline.addFirst(flushes))
                .await(10, TimeUnit.SECONDS);
        return flushes;
    }

    @Test
    void aBurstToAPerEventSocketArrivesAsOneFrameEachInOrderInFewFlushes(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        SocketFlushes flushes = watch(web, socket);
        int total = 5_000;
        web.device.burst(total);
        for (long seq = 1; seq <= total; seq++) {
            long received = socket.await(EventBusSocket.event("burst"), 10_000).getJsonObject("body").getLong("seq");
            assertEquals(seq, received, "the burst's events, one frame each, in order with no gap");
        }
        // One flush per event before the frames of a burst were flushed together.
        assertTrue(flushes.count.get() <= total / 4, flushes.count.get() + " flushes for " + total + " frames");
    }

    @Test
    void aLoneEventToAPerEventSocketIsFlushedAtOnce(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        for (long seq = 1; seq <= 3; seq++) {
            web.device.burst(1);
            long received = socket.await(EventBusSocket.event("burst"), 2_000).getJsonObject("body").getLong("seq");
            assertEquals(seq, received);
        }
    }
}
