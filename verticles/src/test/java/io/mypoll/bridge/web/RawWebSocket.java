// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

/**
 * A WebSocket client on a plain socket, written by hand so that a test can
 * send what no well-behaved client library sends: a frame compressed with
 * permessage-deflate whatever the server agreed to, a frame over the size
 * limit in one piece, or a connection dropped without a close frame.
 */
final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    /** The Sec-WebSocket-Extensions header of the server's answer; null when it sent none. */
    final String extensions;

    private RawWebSocket(Socket socket, String extensions) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.extensions = extensions;
    }

    /** Opens {@code /eventbus/websocket} on 127.0.0.1:port, offering permessage-deflate when asked to. */
    static RawWebSocket open(int port, boolean offerDeflate) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + (offerDeflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no upgrade: " + head.lines().findFirst().orElse(""));
        }
        String extensions = head.lines()
                .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
                .map(l -> l.substring(25).trim()).findFirst().orElse(null);
        return new RawWebSocket(socket, extensions);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** One text frame, whole (FIN), masked as a client's must be. */
    void sendText(byte[] payload) throws IOException {
        sendFrame(0x1, false, payload);
    }

    /** One text frame of a message made by {@link #deflated}, with RSV1 set: a compressed message. */
    void sendCompressed(byte[] deflated) throws IOException {
        sendFrame(0x1, true, deflated);
    }

    /** {@code message} deflated as permessage-deflate does it: raw deflate, the final 00 00 ff ff taken off. */
    static byte[] deflated(byte[] message) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(message);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
            compressed.write(chunk, 0, n);
            if (n < chunk.length && deflater.needsInput()) {
                break;
            }
        }
        deflater.end();
        byte[] bytes = compressed.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - 4);
    }

    private void sendFrame(int opcode, boolean rsv1, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i & 3];
        }
        frame.write(masked);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Sends a close frame with status 1000. */
    void sendClose() throws IOException {
        sendFrame(0x8, false, new byte[] {0x03, (byte) 0xe8});
    }

    /** A frame from the server: its first byte (FIN, RSV1-3, opcode) and its payload. */
    record Frame(int first, byte[] payload) {
        int opcode() {
            return first & 0x0f;
        }

        boolean compressed() {
            return (first & 0x40) != 0;
        }
    }

    /** The server's next frame, waiting up to {@code timeoutMs}. */
    Frame readFrame(int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first, payload);
    }

    /**
     * Reads frames until the server's close frame, and gives its status; -1 when the
     * connection ended without one, 0 when none came within {@code timeoutMs}.
     */
    int awaitClose(int timeoutMs) throws IOException {
        try {
            while (true) {
                Frame frame = readFrame(timeoutMs);
                if (frame.opcode() == 0x8) {
                    byte[] payload = frame.payload();
                    return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return -1;
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }

    /** Closes the TCP connection without a close frame. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
