// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * The health listener ({@code health}): {@code /health} and {@code /metrics} on loopback, apart from the
 * HTTP server's connections, for a supervisor or a monitor.
 *
 * @param port its port on 127.0.0.1; 0 for none
 */
public record HealthOptions(int port) {
    /** None: a supervisor's health listener is this installation's choice (the service's config sets one). */
    public static final int DEFAULT_PORT = 0;

    static JsonObject defaults() {
        return new JsonObject().put("port", DEFAULT_PORT);
    }

    static HealthOptions from(Section health) {
        return new HealthOptions((int) health.number("port", DEFAULT_PORT, 0, 65535));
    }

    public boolean enabled() {
        return port != 0;
    }
}
