// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Lets through requests without an Origin (programs), from the page's own
 * origin, and from the configured {@code http.allowedOrigins}; others get 403.
 */
final class OriginCheck implements Handler<RoutingContext> {
    private final List<String> allowed;

    OriginCheck(List<String> allowed) {
        this.allowed = allowed;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        String host = ctx.request().getHeader(HttpHeaders.HOST);
        if (origin == null || allowed.contains(origin) || (host != null
                && (origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "origin " + origin + " is not allowed (http.allowedOrigins)")
                        .encode());
    }
}
