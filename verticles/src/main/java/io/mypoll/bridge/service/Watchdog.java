// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Tells systemd that the bridge serves ({@code READY=1} when deployed, which
 * is once the bridge's verticles are, after one round of checks) and, with a
 * watchdog, that it still does: every {@link SystemdNotifier#watchdogIntervalMs() interval} each
 * {@link Check} must answer within a deadline (the device loop turns, the
 * HTTP server answers) before {@code WATCHDOG=1} goes out. A bridge whose
 * device loop or HTTP server is wedged therefore stops pinging, and systemd
 * restarts it when {@code WatchdogSec=} passes; a wedged event loop of this
 * verticle stops the pings too.
 */
public final class Watchdog extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());
    /** A failing check is logged when it starts failing, then at most once a minute. */
    private static final long WARNING_EVERY_NS = TimeUnit.MINUTES.toNanos(1);
    /** The most a check may take, however long systemd's timeout: a second chance fits in it. */
    private static final long MAX_DEADLINE_MS = 5_000;

    /**
     * One thing the bridge needs, and how to see that it works.
     *
     * @param name  what the warning names: "device loop", "HTTP server"
     * @param probe called on this verticle's context; its future succeeds when the thing answered
     */
    public record Check(String name, Supplier<Future<?>> probe) {
    }

    private final SystemdNotifier systemd;
    private final List<Check> checks;
    /** Context only: per failing check, when it was last logged. */
    private final Map<String, Long> warned = new HashMap<>();
    private long timer = -1;

    public Watchdog(SystemdNotifier systemd, List<Check> checks) {
        this.systemd = systemd;
        this.checks = List.copyOf(checks);
    }

    @Override
    public Future<?> start() {
        if (!systemd.enabled()) {
            return Future.succeededFuture();
        }
        long interval = systemd.watchdogIntervalMs();
        long deadline = interval > 0 ? Math.max(1, Math.min(interval / 2, MAX_DEADLINE_MS)) : MAX_DEADLINE_MS;
        // A first round before READY=1: the bridge is known to answer, and what the checks use (the HTTP
        // client) is loaded, so that the first round systemd waits for is not a slow one.
        return checkAll(deadline).map(alive -> {
            systemd.notify(alive && interval > 0 ? "READY=1\nWATCHDOG=1" : "READY=1");
            if (interval > 0) {
                LOG.log(System.Logger.Level.INFO, "systemd watchdog: alive every {0,number,#} ms while {1} "
                        + "answer within {2,number,#} ms", interval, checks.stream().map(Check::name).toList(),
                        deadline);
                timer = vertx.setPeriodic(interval, id -> checkAll(deadline).onSuccess(now -> {
                    if (now) {
                        systemd.notify("WATCHDOG=1");
                    }
                }));
            }
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    /** Whether every check answered within the deadline; each that did not is logged. Never fails. */
    private Future<Boolean> checkAll(long deadlineMs) {
        List<Future<?>> answers = checks.stream().<Future<?>>map(check -> answer(check, deadlineMs)).toList();
        return Future.join(answers).transform(all -> {
            boolean alive = true;
            for (int i = 0; i < checks.size(); i++) {
                Future<?> answer = answers.get(i);
                String name = checks.get(i).name();
                if (answer.succeeded()) {
                    warned.remove(name);
                } else {
                    alive = false;
                    warn(name, deadlineMs, answer.cause());
                }
            }
            return Future.succeededFuture(alive);
        });
    }

    private static Future<?> answer(Check check, long deadlineMs) {
        try {
            return check.probe().get().timeout(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private void warn(String name, long deadlineMs, Throwable cause) {
        long now = System.nanoTime();
        Long last = warned.get(name);
        if (last != null && now - last < WARNING_EVERY_NS) {
            return;
        }
        warned.put(name, now);
        String why = cause instanceof java.util.concurrent.TimeoutException ? "no answer within " + deadlineMs + " ms"
                : String.valueOf(cause.getMessage());
        LOG.log(System.Logger.Level.WARNING, "systemd watchdog: the {0} does not answer ({1}); not telling systemd "
                + "the bridge is alive", name, why);
    }
}
