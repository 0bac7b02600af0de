// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * The SockJS bridge ({@code bridge}): what a browser may do over {@code /eventbus}.
 *
 * @param allowControl         whether browsers may send to mypoll.control.&lt;device&gt; and PUT the period
 * @param maxHandlersPerSocket addresses one socket may register
 * @param maxRequestsPerSocket requests one socket may have waiting for their reply
 * @param maxFrameBytes        the largest WebSocket frame or message, and SockJS request body, taken
 * @param socketBufferBytes    what may wait to be written to one socket before its messages are dropped
 * @param batchMaxEvents       a frame of {@code mypoll.events.batched} holds this many events at most
 */
public record BridgeOptions(boolean allowControl, long pingTimeoutMs, int maxHandlersPerSocket,
                            int maxRequestsPerSocket, int maxFrameBytes, int socketBufferBytes,
                            int batchMaxEvents) {
    /** Closed: a browser watches; changing a device's timer is an installation's choice. */
    public static final boolean DEFAULT_ALLOW_CONTROL = false;
    public static final long DEFAULT_PING_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_MAX_HANDLERS_PER_SOCKET = 16;
    public static final int DEFAULT_MAX_REQUESTS_PER_SOCKET = 16;
    /** Far above any frame the bridge protocol needs (a trigger is under 200 bytes). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    /** What may wait for one slow socket: some seconds of events at a few kHz. */
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 256 * 1024;
    /** A batch frame is sent as soon as it holds this many events. */
    public static final int DEFAULT_BATCH_MAX_EVENTS = 256;

    static JsonObject defaults() {
        return new JsonObject()
                .put("allowControl", DEFAULT_ALLOW_CONTROL)
                .put("pingTimeoutMs", DEFAULT_PING_TIMEOUT_MS)
                .put("maxHandlersPerSocket", DEFAULT_MAX_HANDLERS_PER_SOCKET)
                .put("maxRequestsPerSocket", DEFAULT_MAX_REQUESTS_PER_SOCKET)
                .put("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES)
                .put("socketBufferBytes", DEFAULT_SOCKET_BUFFER_BYTES)
                .put("batchMaxEvents", DEFAULT_BATCH_MAX_EVENTS);
    }

    static BridgeOptions from(Section bridge) {
        return new BridgeOptions(bridge.flag("allowControl", DEFAULT_ALLOW_CONTROL),
                bridge.number("pingTimeoutMs", DEFAULT_PING_TIMEOUT_MS, 1_000, 600_000),
                (int) bridge.number("maxHandlersPerSocket", DEFAULT_MAX_HANDLERS_PER_SOCKET, 1, 1000),
                (int) bridge.number("maxRequestsPerSocket", DEFAULT_MAX_REQUESTS_PER_SOCKET, 1, 1000),
                (int) bridge.number("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 1024, 16 << 20),
                (int) bridge.number("socketBufferBytes", DEFAULT_SOCKET_BUFFER_BYTES, 4096, 64 << 20),
                (int) bridge.number("batchMaxEvents", DEFAULT_BATCH_MAX_EVENTS, 1, 4096));
    }
}
