// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.zip.Deflater;

/**
 * A client that means harm, every few seconds one of: bad frames (text that
 * is not JSON, a frame type nobody knows, a new one each time), a frame over
 * {@code bridge.maxFrameBytes}, and a compression bomb: a message of zeros
 * that inflates to 64 MiB, deflated to about 64 KB and sent in one frame with
 * RSV1 set, on a socket that offered permessage-deflate. Counts how the
 * bridge ended each socket, by close code.
 */
final class HostileClient {
    /** What each hostile socket does. */
    enum Attack {
        /** Bad frames, then a close with 1000: the bridge answers them with errors and keeps the socket. */
        BAD("bad"),
        /** A text frame one byte over bridge.maxFrameBytes: the bridge must close with 1009. */
        OVERSIZED("big"),
        /** 64 MiB once inflated: the bridge must close with 1009 (or, without compression, 1002). */
        BOMB("bomb");

        final String label;

        Attack(String label) {
            this.label = label;
        }
    }

    /** One attack every this many ms, in the order of {@link #ROUND}: a bomb every 20 s, 3 a minute. */
    static final long EVERY_MS = 5_000;
    private static final Attack[] ROUND = {Attack.BAD, Attack.OVERSIZED, Attack.BAD, Attack.BOMB};
    static final int BOMB_INFLATED_BYTES = 64 << 20;
    private static final long DEADLINE_MS = 10_000;
    /** A reading of "no close" in the counts: the socket was still open at the deadline. */
    private static final int STILL_OPEN = 0;

    private final Vertx vertx;
    private final int port;
    private final int maxFrameBytes;
    private final NetClient client;
    private final byte[] bomb = deflatedZeros(BOMB_INFLATED_BYTES);
    private final Map<Attack, Map<Integer, AtomicLong>> closes = new EnumMap<>(Attack.class);
    private final AtomicLong errorReplies = new AtomicLong();
    private final AtomicLong bombsDeflateRefused = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private long timer = -1;
    private long attacks;

    HostileClient(Vertx vertx, int port, int maxFrameBytes) {
        this.vertx = vertx;
        this.port = port;
        this.maxFrameBytes = maxFrameBytes;
        this.client = vertx.createNetClient();
        for (Attack a : Attack.values()) {
            closes.put(a, new TreeMap<>());
        }
    }

    void start() {
        timer = vertx.setPeriodic(EVERY_MS, id -> {
            long n = attacks++;
            attack(ROUND[(int) (n % ROUND.length)], n);
        });
    }

    void stop() {
        vertx.cancelTimer(timer);
    }

    long inFlight() {
        return inFlight.get();
    }

    /** The bomb's size on the wire. */
    int bombBytes() {
        return bomb.length;
    }

    /** How the sockets ended, per attack and close code, e.g. {@code bad 1000x6 big 1009x3 bomb 1009x3}. */
    String closes() {
        return closes.entrySet().stream().map(e -> e.getKey().label + " " + (e.getValue().isEmpty() ? "-"
                        : e.getValue().entrySet().stream().map(c -> code(c.getKey()) + "x" + c.getValue().get())
                        .collect(Collectors.joining(","))))
                .collect(Collectors.joining(" "));
    }

    /** Error frames the bridge answered bad frames with. */
    long errorReplies() {
        return errorReplies.get();
    }

    /** Bombs sent on sockets whose handshake had refused permessage-deflate. */
    long bombsDeflateRefused() {
        return bombsDeflateRefused.get();
    }

    private void attack(Attack attack, long n) {
        inFlight.incrementAndGet();
        RawWebSocket.connect(client, port, "/eventbus/websocket", attack == Attack.BOMB)
                .compose(ws -> {
                    ws.frames(frame -> {
                        if (frame.message() && frame.text().contains("\"type\":\"err\"")) {
                            errorReplies.incrementAndGet();
                        }
                    });
                    switch (attack) {
                        case BAD -> {
                            ws.sendText("{\"type\":\"register\",\"address\":");
                            ws.sendText(new JsonObject().put("type", "soak-" + n).put("address", "x").encode());
                            ws.sendText(new JsonObject().put("type", "ping").encode());
                            // Time for the error replies before the close.
                            vertx.setTimer(200, id -> ws.close(1000));
                        }
                        case OVERSIZED -> {
                            byte[] text = new byte[maxFrameBytes + 1];
                            Arrays.fill(text, (byte) ' ');
                            ws.send(RawWebSocket.TEXT, false, text);
                        }
                        case BOMB -> {
                            if (!ws.deflate()) {
                                // A client that ignores the handshake: the frame is still sent, as an attacker would.
                                bombsDeflateRefused.incrementAndGet();
                            }
                            ws.send(RawWebSocket.TEXT, true, bomb);
                        }
                    }
                    return ws.closed().timeout(DEADLINE_MS, TimeUnit.MILLISECONDS)
                            .recover(e -> ws.drop().map(STILL_OPEN));
                })
                .onComplete(code -> {
                    inFlight.decrementAndGet();
                    // A socket that could not even be opened counts as closed without a code.
                    int c = code.succeeded() ? code.result() : RawWebSocket.NO_CLOSE_FRAME;
                    synchronized (closes) {
                        closes.get(attack).computeIfAbsent(c, k -> new AtomicLong()).incrementAndGet();
                    }
                });
    }

    private static String code(int code) {
        return code == STILL_OPEN ? "open" : code == RawWebSocket.NO_CLOSE_FRAME ? "noframe" : Integer.toString(code);
    }

    /**
     * {@code bytes} zeros as permessage-deflate sends a message (RFC 7692): raw
     * deflate (no zlib header), ended by a sync flush whose trailing
     * {@code 00 00 ff ff} is left off.
     */
    static byte[] deflatedZeros(int bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[1 << 16];
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        for (int left = bytes; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, Math.min(left, zeros.length));
            while (!deflater.needsInput()) {
                deflated.write(out, 0, deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        do {
            n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            deflated.write(out, 0, n);
        } while (n == out.length);
        deflater.end();
        byte[] all = deflated.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}
