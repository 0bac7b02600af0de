// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the TCP event-bus bridge on a plain blocking socket: frames are written as the protocol
 * spells them (a 4-byte big-endian length, then the JSON), and read by vertx-tcp-eventbus-bridge's own
 * {@link FrameParser}, on a thread of the client's, into {@link #frames}.
 */
public final class TcpBridgeClient implements AutoCloseable {
    /** Put in {@link #frames} when the bridge closed the socket. */
    public static final JsonObject CLOSED = new JsonObject().put("type", "closed");
    public final Socket socket;
    public final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final OutputStream out;

    public TcpBridgeClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket already connected (such as a TLS one). */
    public TcpBridgeClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        FrameParser parser = new FrameParser(ar -> frames.add(ar.succeeded() ? ar.result()
                : new JsonObject().put("type", "unparsable").put("error", ar.cause().getMessage())));
        Thread reader = new Thread(() -> {
            byte[] chunk = new byte[65536];
            try {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    parser.handle(Buffer.buffer().appendBytes(chunk, 0, n));
                }
            } catch (IOException closed) {
                // reset, or closed by the test
            }
            frames.add(CLOSED);
        }, "tcp-bridge-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Writes one frame of these bytes. */
    public synchronized void sendRaw(byte[] json) throws IOException {
        out.write(Buffer.buffer().appendInt(json.length).appendBytes(json).getBytes());
        out.flush();
    }

    public void send(JsonObject frame) throws IOException {
        sendRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
    }

    public void register(String address) throws IOException {
        send(new JsonObject().put("type", "register").put("address", address));
    }

    public void request(String address, Object body, String replyAddress) throws IOException {
        send(new JsonObject().put("type", "send").put("address", address).put("body", body)
                .put("replyAddress", replyAddress));
    }

    /** Registered on that address and on the status, whose first frame shows the register was handled. */
    public TcpBridgeClient registered(String address) throws IOException, InterruptedException {
        register(address);
        register(Addresses.STATUS);
        await(f -> Addresses.STATUS.equals(f.getString("address")), 5_000);
        return this;
    }

    /** The next frame that matches, skipping others. */
    public JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
        return awaitEach(timeoutMs, match).get(0);
    }

    /** The first frame that matches each predicate, in the predicates' order, whatever order they come in. */
    @SafeVarargs
    public final List<JsonObject> awaitEach(long timeoutMs, Predicate<JsonObject>... matches)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject[] found = new JsonObject[matches.length];
        int missing = matches.length;
        while (missing > 0) {
            long left = deadline - System.currentTimeMillis();
            JsonObject frame = left > 0 ? frames.poll(left, TimeUnit.MILLISECONDS) : null;
            if (frame == null) {
                throw new AssertionError(missing + " of " + matches.length + " frames did not come within "
                        + timeoutMs + " ms");
            }
            for (int i = 0; i < matches.length; i++) {
                if (found[i] == null && matches[i].test(frame)) {
                    found[i] = frame;
                    missing--;
                    break;
                }
            }
        }
        return List.of(found);
    }

    /** Whether the bridge closes the socket within the time, skipping the frames before. */
    public boolean closedWithin(long timeoutMs) throws InterruptedException {
        try {
            await(f -> f == CLOSED, timeoutMs);
            return true;
        } catch (AssertionError stillOpen) {
            return false;
        }
    }

    public static boolean isError(JsonObject frame) {
        return "err".equals(frame.getString("type"));
    }

    public static Predicate<JsonObject> event(String type) {
        return f -> "message".equals(f.getString("type")) && Addresses.EVENTS.equals(f.getString("address"))
                && type.equals(f.getJsonObject("body").getString("type"));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
