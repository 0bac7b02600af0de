// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A WebSocket client written by hand on a TCP socket, for what a
 * well-behaved client never does: leave without a close frame, or send a
 * frame compressed beforehand (RSV1 set) whose bytes no library would let
 * through untouched. Frames from the server arrive whole, in order, through
 * {@link #frames}.
 */
final class RawWebSocket {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    /** What {@link #closed} gives when the TCP connection ended without a close frame. */
    static final int NO_CLOSE_FRAME = -1;

    /** A frame from the server; its payload unmasked. */
    record Frame(int opcode, boolean rsv1, Buffer payload) {
        /** A message, text or binary: the bridge sends its frames as either. */
        boolean message() {
            return opcode == TEXT || opcode == BINARY;
        }

        String text() {
            return payload.toString(StandardCharsets.UTF_8);
        }
    }

    private final NetSocket socket;
    private final boolean deflate;
    private final Promise<Integer> closed = Promise.promise();
    private Consumer<Frame> frames = frame -> { };
    private Buffer unread = Buffer.buffer();

    private RawWebSocket(NetSocket socket, boolean deflate) {
        this.socket = socket;
        this.deflate = deflate;
    }

    /**
     * Opens a WebSocket to {@code 127.0.0.1:port} at {@code path}, offering
     * permessage-deflate when {@code offerDeflate}. The client decides how its
     * connections end: an ordinary one closes with a FIN, one with
     * {@code SO_LINGER} 0 with a reset.
     */
    static Future<RawWebSocket> connect(NetClient client, int port, String path, boolean offerDeflate) {
        return client.connect(port, "127.0.0.1").compose(socket -> {
            Promise<RawWebSocket> upgraded = Promise.promise();
            Buffer response = Buffer.buffer();
            socket.handler(data -> {
                if (upgraded.future().isComplete()) {
                    return;
                }
                response.appendBuffer(data);
                String text = response.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
                if (!headers.startsWith("http/1.1 101")) {
                    socket.close();
                    upgraded.tryFail("no upgrade: " + text.substring(0, text.indexOf('\r')));
                    return;
                }
                RawWebSocket ws = new RawWebSocket(socket, headers.contains("sec-websocket-extensions: "
                        + "permessage-deflate"));
                socket.handler(ws::onData);
                socket.closeHandler(v -> ws.closed.tryComplete(NO_CLOSE_FRAME));
                upgraded.complete(ws);
                ws.onData(response.getBuffer(end + 4, response.length()));
            });
            socket.closeHandler(v -> upgraded.tryFail("closed during the upgrade"));
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + (offerDeflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
                    + "\r\n");
            return upgraded.future();
        });
    }

    /** Whether the server took permessage-deflate. */
    boolean deflate() {
        return deflate;
    }

    RawWebSocket frames(Consumer<Frame> frames) {
        this.frames = frames;
        return this;
    }

    /** The code of the server's close frame once it comes, or {@link #NO_CLOSE_FRAME}. */
    Future<Integer> closed() {
        return closed.future();
    }

    Future<Void> sendText(String text) {
        return send(TEXT, false, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One whole message in one frame, masked as a client's must be; {@code rsv1}: its payload is deflated. */
    Future<Void> send(int opcode, boolean rsv1, byte[] payload) {
        Buffer frame = Buffer.buffer(payload.length + 14);
        frame.appendByte((byte) (0x80 | (rsv1 ? 0x40 : 0) | opcode));
        if (payload.length < 126) {
            frame.appendByte((byte) (0x80 | payload.length));
        } else if (payload.length < 65_536) {
            frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
        } else {
            frame.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.appendBytes(mask);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return socket.write(frame.appendBytes(masked));
    }

    /** Sends a close frame with {@code code}; the server answers with its own and ends the connection. */
    Future<Integer> close(int code) {
        send(CLOSE, false, new byte[] {(byte) (code >> 8), (byte) code});
        return closed();
    }

    /** Ends the TCP connection without a close frame: a FIN, or a reset when the client has SO_LINGER 0. */
    Future<Void> drop() {
        return socket.close();
    }

    private void onData(Buffer data) {
        unread = unread.length() == 0 ? data.copy() : unread.appendBuffer(data);
        while (true) {
            if (unread.length() < 2) {
                return;
            }
            int first = unread.getUnsignedByte(0);
            int second = unread.getUnsignedByte(1);
            int header = 2;
            long length = second & 0x7f;
            if (length == 126) {
                header = 4;
                length = unread.length() < header ? -1 : unread.getUnsignedShort(2);
            } else if (length == 127) {
                header = 10;
                length = unread.length() < header ? -1 : unread.getLong(2);
            }
            boolean masked = (second & 0x80) != 0;
            int maskAt = header;
            if (masked) {
                header += 4;
            }
            if (length < 0 || unread.length() < header + length) {
                return;
            }
            Buffer payload = unread.getBuffer(header, header + (int) length);
            if (masked) {
                for (int i = 0; i < payload.length(); i++) {
                    payload.setByte(i, (byte) (payload.getByte(i) ^ unread.getByte(maskAt + (i & 3))));
                }
            }
            unread = unread.getBuffer(header + (int) length, unread.length());
            Frame frame = new Frame(first & 0x0f, (first & 0x40) != 0, payload);
            if (frame.opcode() == CLOSE) {
                // No code in the frame is 1005 ("no status received"), as RFC 6455 names it.
                closed.tryComplete(payload.length() >= 2 ? payload.getUnsignedShort(0) : 1005);
                socket.close();
                return;
            }
            frames.accept(frame);
        }
    }
}
