// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The frames of a burst leave a connection in one system call, not one each.
 *
 * <p>Vert.x flushes every write made outside a read of its connection: an
 * event fanned out to a per-event socket is one frame, one flush and one
 * {@code writev}. Netty's {@link FlushConsolidationHandler}, told to
 * consolidate when no read is in progress, turns such a flush into a task
 * queued on the connection's event loop, behind the tasks already there: the
 * rest of the burst, whose frames join the same flush. Every 256 flushes go out
 * at once, so does everything when the channel stops being writable, and the
 * read path flushes one task later than it did. A lone frame or response is
 * flushed by that task too, with no timer: nothing waits longer than the work
 * its loop already has. Frames stay one per event; only the system calls are
 * shared.
 */
final class FlushConsolidation {
    /** The name of the handler in a connection's pipeline. */
    static final String HANDLER = "flushConsolidation";
    /** Vert.x's name for a TLS connection's handler. */
    private static final String TLS_HANDLER = "ssl";
    /** Flushes held back at most: a burst's frames of about 250 bytes, some 64 KB. */
    private static final int FLUSH_AFTER_FLUSHES = 256;

    private FlushConsolidation() {
    }

    /** Puts the consolidating handler in a new connection's pipeline. */
    static void install(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        FlushConsolidationHandler handler = new FlushConsolidationHandler(FLUSH_AFTER_FLUSHES, true);
        if (pipeline.get(TLS_HANDLER) != null) {
            // Behind TLS, so the frames of one flush are encrypted together, in records of up to 16 KB.
            pipeline.addAfter(TLS_HANDLER, HANDLER, handler);
        } else {
            pipeline.addFirst(HANDLER, handler);
        }
    }
}
