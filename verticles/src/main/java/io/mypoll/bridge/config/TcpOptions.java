// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * The TCP event-bus bridge ({@code tcp}): the length-prefixed JSON frames of Vert.x's
 * vertx-tcp-eventbus-bridge, for clients in any language. What a client may do there is what a SockJS
 * client may do ({@code bridge.*}); TLS and the token are the HTTP server's ({@code http.tls},
 * {@code http.auth.tokenFile}), so a bridge has one certificate and one token.
 *
 * @param idleTimeoutSeconds a socket that sends nothing this long, not even a ping, is closed
 * @param insecure           serve a non-loopback address without TLS and the token
 */
public record TcpOptions(boolean enabled, String host, int port, int idleTimeoutSeconds, int maxConnections,
                         boolean insecure) {
    /** Off: a second way in is an installation's choice. */
    public static final boolean DEFAULT_ENABLED = false;
    /** Loopback, as for HTTP: nothing outside this machine reaches it unless a setting says so. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /**
     * The port of Vert.x's TCP bridge documentation and the default of its clients (the Python client's
     * {@code EventBus()} connects to 7000), so their examples connect as they are.
     */
    public static final int DEFAULT_PORT = 7000;
    /** Twelve times the official clients' ping interval (5 s): a dead peer is found within a minute. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** Programs, not browsers: fewer than HTTP's, still far below the process's files. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final boolean DEFAULT_INSECURE = false;

    static JsonObject defaults() {
        return new JsonObject()
                .put("enabled", DEFAULT_ENABLED)
                .put("host", DEFAULT_HOST)
                .put("port", DEFAULT_PORT)
                .put("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS)
                .put("maxConnections", DEFAULT_MAX_CONNECTIONS)
                .put("insecure", DEFAULT_INSECURE);
    }

    /** @param http the HTTP server's settings, whose TLS files and token the endpoint uses */
    static TcpOptions from(Section tcp, HttpOptions http) {
        boolean enabled = tcp.flag("enabled", DEFAULT_ENABLED);
        String host = tcp.text("host", DEFAULT_HOST);
        if (host == null) {
            throw new ConfigException(tcp.key("host"), "must not be empty");
        }
        boolean insecure = tcp.flag("insecure", DEFAULT_INSECURE);
        if (enabled && !HttpOptions.isLoopback(host) && !insecure
                && (http.tls() == null || http.authTokenFile() == null)) {
            throw new ConfigException(tcp.key("host"), host + " is not a loopback address: serving it needs "
                    + "http.tls.certFile, http.tls.keyFile and http.auth.tokenFile, or tcp.insecure: true");
        }
        return new TcpOptions(enabled, host, (int) tcp.number("port", DEFAULT_PORT, 0, 65535),
                (int) tcp.number("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 3600),
                (int) tcp.number("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 100_000), insecure);
    }

    /** Whether {@code host} is a loopback address, which only this machine reaches. */
    public boolean loopback() {
        return HttpOptions.isLoopback(host);
    }
}
