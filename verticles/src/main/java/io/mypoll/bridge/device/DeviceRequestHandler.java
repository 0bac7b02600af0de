// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.ReplyCodes;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * A request/reply address of one device: the answer is the reply, and a
 * {@link ReplyException} thrown on the way (400, 503) is the failure the
 * requester gets. Runs on the device verticle's context.
 */
abstract class DeviceRequestHandler implements Handler<Message<Object>> {
    final ServedDevice target;

    DeviceRequestHandler(ServedDevice target) {
        this.target = target;
    }

    /** Does what the request asks and returns the reply; nothing is done unless the whole request is valid. */
    abstract JsonObject answer(Message<Object> request);

    @Override
    public final void handle(Message<Object> message) {
        try {
            message.reply(answer(message));
        } catch (ReplyException e) {
            ReplyCodes.fail(message, e);
        }
    }
}
