// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.HistoryRequest;
import io.mypoll.bridge.contract.RequestBody;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * {@code mypoll.history.<device>}: the device's kept events (all, or those
 * after a seq) and its per-second counts, from the node that reads it.
 */
final class HistoryHandler extends DeviceRequestHandler {
    private final String node;

    HistoryHandler(ServedDevice target, String node) {
        super(target);
        this.node = node;
    }

    @Override
    JsonObject answer(Message<Object> request) {
        JsonObject body = request.body() == null ? new JsonObject() : RequestBody.json(request, HistoryRequest.EXPECTED);
        return new JsonObject().put("device", target.id()).put("node", node)
                .mergeIn(target.history.snapshot(HistoryRequest.since(body)));
    }
}
