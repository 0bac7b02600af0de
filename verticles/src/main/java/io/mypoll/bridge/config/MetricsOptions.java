// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Prometheus metrics at {@code /metrics} ({@code metrics}).
 *
 * @param enabled whether Vert.x collects metrics and the bridge serves them
 */
public record MetricsOptions(boolean enabled) {
    /** On: a scrape reaches only what the HTTP server's address, Host, Origin and token rules let through. */
    public static final boolean DEFAULT_ENABLED = true;

    static JsonObject defaults() {
        return new JsonObject().put("enabled", DEFAULT_ENABLED);
    }

    static MetricsOptions from(Section metrics) {
        return new MetricsOptions(metrics.flag("enabled", DEFAULT_ENABLED));
    }

    /**
     * The registry the bridge's own meters join and {@code /metrics} serves: Vert.x's default one,
     * which exists only when Vert.x was made with metrics on; null when off or absent.
     */
    public MeterRegistry registry() {
        return enabled ? BackendRegistries.getDefaultNow() : null;
    }
}
