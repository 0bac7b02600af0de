// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * WebSocket permessage-deflate in one direction: a client may send compressed
 * messages, each inflated to at most the frame limit, and the bridge sends its
 * own uncompressed (RFC 7692 lets either side send any message uncompressed).
 *
 * <p>It replaces the handler Vert.x installs, for two reasons. Vert.x's inflates
 * a whole message with no bound before any size check: 64 KB on the wire became
 * 64 MB of heap. And it deflates every batch once per socket, which costs more
 * CPU than the bytes it saves are worth on the networks a bridge serves
 * (docs/BENCHMARKS.md, "Compression").
 */
final class InboundDeflate {
    /** The name Vert.x gives its extension handler in a connection's pipeline. */
    private static final String VERTX_HANDLER = "webSocketExtensionHandler";

    private static final WebSocketExtensionFilterProvider INBOUND_ONLY = new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return WebSocketExtensionFilter.ALWAYS_SKIP;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    private final int maxMessageBytes;

    InboundDeflate(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Puts the bounded, inbound-only handler in place of Vert.x's on a new connection. */
    void install(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        if (pipeline.get(VERTX_HANDLER) == null) {
            return;
        }
        pipeline.replace(VERTX_HANDLER, VERTX_HANDLER, new WebSocketServerExtensionHandler(
                new PerMessageDeflateServerExtensionHandshaker(6, false,
                        PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, false, false, INBOUND_ONLY,
                        maxMessageBytes)));
        // After the handler: the decoder it adds at the handshake sits between the two, so its
        // errors pass here on their way to Vert.x.
        pipeline.addAfter(VERTX_HANDLER, "inflatedTooBig", new TooBigAnswer(maxMessageBytes));
    }

    /**
     * A message that inflates past the limit closes its socket with 1009, as an
     * uncompressed one of that size does, instead of an abrupt end.
     */
    private static final class TooBigAnswer extends ChannelInboundHandlerAdapter {
        private final int maxMessageBytes;

        TooBigAnswer(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecompressionException || cause.getCause() instanceof DecompressionException) {
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
                        "message over " + maxMessageBytes + " bytes")).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
