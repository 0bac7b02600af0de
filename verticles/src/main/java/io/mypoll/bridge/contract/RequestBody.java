// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Turns a request's body into a JSON object, or a 400 failure that says what was sent. */
public final class RequestBody {
    private RequestBody() {
    }

    public static JsonObject json(Message<?> message, String expected) {
        Object body = message.body();
        if (body instanceof JsonObject json) {
            return json;
        }
        String text = body instanceof String s ? s : body instanceof Buffer b ? b.toString() : null;
        if (text != null) {
            try {
                return new JsonObject(text);
            } catch (DecodeException e) {
                throw ReplyCodes.badRequest("body is not JSON; expected " + expected);
            }
        }
        throw ReplyCodes.badRequest("body must be a JSON object " + expected + ", not "
                + (body == null ? "empty" : body.getClass().getSimpleName()));
    }
}
