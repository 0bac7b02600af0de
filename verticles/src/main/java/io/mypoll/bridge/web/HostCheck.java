// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.logging.LogText;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Serves only the Host names it is meant to: IP addresses, {@code localhost},
 * the listen address, and {@code http.allowedHosts}. A page on another name
 * that resolves here (DNS rebinding) is refused before anything else, so its
 * Origin, equal to its own Host, never counts as the page's own.
 */
final class HostCheck implements Handler<RoutingContext> {
    /** An IPv4 address, or an IPv6 one in brackets: no name, so nothing to rebind. */
    private static final Pattern ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]");
    private final Set<String> names;

    HostCheck(String listenHost, List<String> allowedHosts) {
        this.names = new java.util.HashSet<>();
        names.add("localhost");
        names.add(listenHost.toLowerCase(Locale.ROOT));
        allowedHosts.forEach(h -> names.add(h.toLowerCase(Locale.ROOT)));
    }

    @Override
    public void handle(RoutingContext ctx) {
        String host = ctx.request().getHeader(HttpHeaders.HOST);
        // Programs speaking HTTP/1.0 may send no Host; every browser sends one.
        if (host == null || served(host)) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(421).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "host " + LogText.printable(host)
                        + " is not served here (http.allowedHosts)").encode());
    }

    boolean served(String hostHeader) {
        String name = hostHeader.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) {
            name = name.substring(0, colon);
        }
        return ADDRESS.matcher(name).matches() || names.contains(name);
    }
}
