// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.config.BridgeOptions;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.DeviceId;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a client of the bridge may do, whatever its endpoint (SockJS or TCP): the one definition of the
 * addresses it may receive and send requests to, and of the fields a frame must have. The endpoints ask
 * it; {@link RequestRelay} adds the checks and limits of each request. Denied by default: anything not
 * named here is refused.
 */
final class ClientAccess {
    /** The addresses a client may register: the events, the batched events, each node's status and sockets. */
    static final List<String> RECEIVABLE = List.of(Addresses.EVENTS, Addresses.BROWSER_EVENT_BATCHES,
            Addresses.STATUS, Addresses.SOCKETS);
    private static final Pattern TRIGGER = DeviceId.addresses(Addresses.trigger(""));
    private static final Pattern CONTROL = DeviceId.addresses(Addresses.control(""));
    private static final Pattern HISTORY = DeviceId.addresses(Addresses.history(""));

    private final boolean allowControl;

    ClientAccess(BridgeOptions options) {
        this.allowControl = options.allowControl();
    }

    /** Whether a client may register this address. */
    boolean mayReceive(String address) {
        return RECEIVABLE.contains(address);
    }

    /**
     * Whether a client may send requests to this address: a device's trigger and history, and its control
     * when {@code bridge.allowControl} is on.
     */
    boolean mayRequest(String address) {
        return TRIGGER.matcher(address).matches() || HISTORY.matcher(address).matches()
                || allowControl && CONTROL.matcher(address).matches();
    }

    /**
     * Why a {@code send} or {@code publish} frame cannot be handled, or null when its fields have their
     * types: a text address, headers as an object, a text reply address.
     */
    static String malformed(JsonObject frame) {
        if (!(frame.getValue("address") instanceof String)
                || frame.containsKey("headers") && !(frame.getValue("headers") instanceof JsonObject)
                || frame.containsKey("replyAddress") && !(frame.getValue("replyAddress") instanceof String)) {
            return "a frame needs a text address, and headers as an object";
        }
        return null;
    }
}
