package io.mypoll.bridge.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;

/**
 * At most {@code max} open connections: one more is closed as soon as it is
 * accepted, so a flood costs a file descriptor for a moment, never the
 * process's limit. Runs on the HTTP server's event loop.
 */
final class ConnectionLimit implements Handler<HttpConnection> {
    private static final System.Logger LOG = System.getLogger(ConnectionLimit.class.getName());
    private static final long WARN_EVERY_NS = 60_000_000_000L;
    private final int max;
    private int open;
    private long refused;
    private long lastWarningNs = System.nanoTime() - WARN_EVERY_NS;

    ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void handle(HttpConnection connection) {
        if (open >= max) {
            refused++;
            connection.close();
            long now = System.nanoTime();
            if (now - lastWarningNs >= WARN_EVERY_NS) {
                lastWarningNs = now;
                LOG.log(System.Logger.Level.WARNING, "{0} connections open, the limit (http.maxConnections): "
                        + "refusing more; {1} refused so far", open, refused);
            }
            return;
        }
        open++;
        connection.closeHandler(v -> open--);
    }
}
