// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import java.nio.charset.StandardCharsets;

/**
 * How a bridge endpoint spells the frames it writes: the SockJS bridge's JSON text messages
 * ({@code "rec"} for a message, an error's text in {@code body}), or the TCP bridge's JSON, each frame
 * after its length as a 4-byte big-endian integer ({@code "message"} for a message, an error's text in
 * {@code message}), as vertx-tcp-eventbus-bridge's {@link FrameHelper} writes them. What a client may do is
 * the same on both ({@link ClientAccess}, {@link RequestRelay}); only the spelling differs.
 */
enum BridgeProtocol {
    SOCKJS {
        @Override
        Buffer encode(JsonObject frame) {
            return Buffer.buffer(frame.encode());
        }

        @Override
        String messagePrefix(String address) {
            return "{\"type\":\"rec\",\"address\":\"" + address + "\",\"body\":";
        }

        @Override
        JsonObject reply(String replyAddress, Object body) {
            return new JsonObject().put("type", "rec").put("address", replyAddress).put("body", body);
        }

        @Override
        JsonObject refusal(String message) {
            return new JsonObject().put("type", "err").put("body", message);
        }
    },
    TCP {
        @Override
        Buffer encode(JsonObject frame) {
            byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
            return Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json);
        }

        @Override
        String messagePrefix(String address) {
            return "{\"type\":\"message\",\"address\":\"" + address + "\",\"send\":false,\"body\":";
        }

        @Override
        Buffer message(String prefix, String bodyJson) {
            Buffer frame = Buffer.buffer(4 + prefix.length() + bodyJson.length() + 1).appendInt(0)
                    .appendString(prefix).appendString(bodyJson).appendString("}");
            // The body may hold text beyond ASCII: the length is of its UTF-8 bytes, known once written.
            return frame.setInt(0, frame.length() - 4);
        }

        @Override
        JsonObject reply(String replyAddress, Object body) {
            return new JsonObject().put("type", "message").put("address", replyAddress).put("send", true)
                    .put("body", body);
        }

        @Override
        JsonObject refusal(String message) {
            return new JsonObject().put("type", "err").put("message", message);
        }
    };

    /** One frame of this protocol. */
    abstract Buffer encode(JsonObject frame);

    /**
     * The start of every message frame of an address, up to its body. Addresses are the bridge's own
     * constants: nothing in them needs escaping.
     */
    abstract String messagePrefix(String address);

    /** A message frame: its {@link #messagePrefix}, a body already encoded as JSON, and the closing brace. */
    Buffer message(String prefix, String bodyJson) {
        return Buffer.buffer(prefix.length() + bodyJson.length() + 1)
                .appendString(prefix).appendString(bodyJson).appendString("}");
    }

    /** The answer to a request, at its reply address. */
    abstract JsonObject reply(String replyAddress, Object body);

    /** A request's failure, at its reply address, so that the client's reply handler gets it. */
    JsonObject failure(String replyAddress, int code, String failureType, String message) {
        return new JsonObject().put("type", "err").put("address", replyAddress).put("failureCode", code)
                .put("failureType", failureType).put("message", message);
    }

    /** An error frame with no address: a frame refused before it could be a request. */
    abstract JsonObject refusal(String message);
}
