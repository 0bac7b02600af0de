package io.mypoll.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Turns a request's body into a JSON object, or a 400 failure that says what was sent. */
final class RequestBody {
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;
    static final int UNAVAILABLE = 503;

    private RequestBody() {
    }

    static JsonObject json(Message<?> message, String expected) {
        Object body = message.body();
        if (body instanceof JsonObject json) {
            return json;
        }
        String text = body instanceof String s ? s : body instanceof Buffer b ? b.toString() : null;
        if (text != null) {
            try {
                return new JsonObject(text);
            } catch (DecodeException e) {
                throw badRequest("body is not JSON; expected " + expected);
            }
        }
        throw badRequest("body must be a JSON object " + expected + ", not "
                + (body == null ? "empty" : body.getClass().getSimpleName()));
    }

    static ReplyException badRequest(String message) {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BAD_REQUEST, message);
    }

    /** Replies with the failure's code and message. */
    static void fail(Message<?> message, ReplyException e) {
        message.fail(e.failureCode(), e.getMessage());
    }
}
