// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** The failure codes of request/reply addresses; REST answers use the same numbers as HTTP status. */
public final class ReplyCodes {
    /** The request is malformed: nothing was done. */
    public static final int BAD_REQUEST = 400;
    /** Control is not allowed here (bridge.allowControl, or the device's own setting): nothing was done. */
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    /** The device is closed or refused the request. */
    public static final int UNAVAILABLE = 503;

    private ReplyCodes() {
    }

    public static ReplyException badRequest(String message) {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BAD_REQUEST, message);
    }

    public static ReplyException forbidden(String message) {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FORBIDDEN, message);
    }

    public static ReplyException unavailable(String message) {
        return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, UNAVAILABLE, message);
    }

    /** Replies with the failure's code and message. */
    public static void fail(Message<?> message, ReplyException e) {
        message.fail(e.failureCode(), e.getMessage());
    }
}
