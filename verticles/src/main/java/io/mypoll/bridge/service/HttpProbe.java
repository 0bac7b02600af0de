// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

import io.mypoll.bridge.config.HttpOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import javax.net.ssl.SSLException;

/**
 * {@code GET /health} on one of the bridge's listeners, for the watchdog:
 * whether the server answers, not whether it is healthy, so any HTTP status
 * counts (a bridge whose device is gone is unhealthy but serving, and a
 * restart would not bring the device back). Each probe opens a connection of
 * its own, so the acceptor is checked too.
 */
public final class HttpProbe {
    private static final long ABANDON_MS = 10_000;

    private final HttpClient client;
    private final RequestOptions request;
    /** The caller's context only: the request still waiting for its answer. */
    private HttpClientRequest waiting;

    /**
     * @param tls whether the listener speaks TLS: the probe trusts any certificate, and a
     *            refused handshake (a listener that wants client certificates) counts as an answer
     */
    public HttpProbe(Vertx vertx, String host, int port, boolean tls) {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(false);
        if (tls) {
            options.setSsl(true).setTrustAll(true).setVerifyHost(false);
        }
        client = vertx.createHttpClient(options);
        // A probe that timed out at the watchdog's deadline must not keep its connection for ever.
        request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI("/health")
                .setConnectTimeout(ABANDON_MS).setIdleTimeout(ABANDON_MS);
    }

    /**
     * The probe of the main listener ({@code http.*}) bound to {@code port}, reached over loopback when it
     * listens on every address.
     */
    public static HttpProbe of(Vertx vertx, HttpOptions http, int port) {
        String host = switch (http.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> http.host();
        };
        return new HttpProbe(vertx, host, port, http.tls() != null);
    }

    /**
     * Succeeds with the status of the answer (or 0 for a refused TLS handshake). The caller sets the
     * deadline; a request still waiting when the next starts is given up, so that its connection goes.
     */
    public Future<Integer> get() {
        if (waiting != null) {
            waiting.reset();
        }
        return client.request(request)
                .compose(req -> {
                    waiting = req;
                    return req.send()
                            .compose(response -> response.end().map(v -> response.statusCode()))
                            .andThen(answer -> {
                                if (waiting == req) {
                                    waiting = null;
                                }
                            });
                })
                .recover(e -> e instanceof SSLException ? Future.succeededFuture(0) : Future.failedFuture(e));
    }
}
