// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every answer: the dashboard's own scripts only, no framing by
 * other sites (the trigger form must not be clickjacked), no type sniffing,
 * no referrer. The API's answers are never cached; the dashboard's files are
 * revalidated, so an upgrade shows at once.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @Override
    public void handle(RoutingContext ctx) {
        MultiMap headers = ctx.response().headers();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        String path = ctx.normalizedPath();
        headers.set("Cache-Control", path.startsWith("/api/") || path.equals("/health")
                || path.equals("/metrics") || path.startsWith("/eventbus/") ? "no-store" : "no-cache");
        ctx.next();
    }
}
