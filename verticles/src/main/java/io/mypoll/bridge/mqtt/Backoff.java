// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.mqtt;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The waits between attempts to reach the broker: from the minimum, doubling up to the maximum, each with
 * up to a quarter taken off at random, so that bridges that lost the same broker do not all come back at
 * the same instant. Used on one thread.
 */
final class Backoff {
    private final long minMs;
    private final long maxMs;
    private long nextMs;

    Backoff(long minMs, long maxMs) {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.nextMs = minMs;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the maximum. */
    long nextDelayMs() {
        long base = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        long jitter = base / 4 == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 4 + 1);
        return Math.max(1, base - jitter);
    }

    /** A connection succeeded: the next loss starts from the minimum again. */
    void reset() {
        nextMs = minMs;
    }
}
