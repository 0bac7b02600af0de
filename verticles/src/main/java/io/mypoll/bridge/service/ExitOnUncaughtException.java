// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

/**
 * The bridge's handler of uncaught exceptions: a thread that dies of one
 * (the device loop, an emulator's producer, any thread the bridge started)
 * leaves a bridge that looks alive and serves nothing, so the process ends at
 * once with one line naming the thread and the error, and a status its
 * supervisor restarts. Halting, not exiting: the shutdown hook would wait for
 * Vert.x to close, which may never happen with a thread gone.
 * ({@code -XX:+ExitOnOutOfMemoryError} in {@code conf/jvm.options} does the
 * same for an {@link OutOfMemoryError}, on whichever thread.)
 */
public final class ExitOnUncaughtException implements Thread.UncaughtExceptionHandler {
    /** EX_SOFTWARE of sysexits.h: not 2 (a configuration, which systemd is told not to restart). */
    public static final int STATUS = 70;
    private static volatile boolean stopping;

    /** The process is stopping: from now on a thread's death is part of the stop, not a failure. */
    public static void stopping() {
        stopping = true;
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (stopping) {
            // The process is ending already (SIGTERM): threads die as their pools shut down (a task
            // rejected by a closing pool), and halting here would turn a clean stop into status 70.
            return;
        }
        try {
            // stderr, as the bridge's log: one line, whatever state the logging is in.
            System.err.println(("mypoll-bridge: thread " + thread.getName() + " died of " + error
                    + "; exiting with status " + STATUS).replaceAll("\\p{Cntrl}", " "));
            System.err.flush();
        } finally {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
