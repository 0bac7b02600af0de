// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

/**
 * What the benchmarks run, from their positional arguments:
 * {@code C_TOOL [RATE_HZ SECONDS BURST BURSTS ...]}.
 *
 * @param cTool  the C reference reader, driver/tools/sigio_eventfd_epoll
 * @param rateHz the paced part's event rate
 * @param burst  events in one burst
 * @param bursts bursts in the burst part
 */
record Workload(String cTool, int rateHz, int seconds, int burst, int bursts) {
    static Workload parse(String[] args) {
        return new Workload(args[0],
                args.length > 1 ? Integer.parseInt(args[1]) : 2000,
                args.length > 2 ? Integer.parseInt(args[2]) : 20,
                args.length > 3 ? Integer.parseInt(args[3]) : 65536,
                args.length > 4 ? Integer.parseInt(args[4]) : 20);
    }

    /** The line the benchmarks print above their tables. */
    String describe() {
        return String.format(java.util.Locale.ROOT,
                "paced: %d events/s for %d s (first 2 s not counted); burst: %d x %d events", rateHz, seconds, bursts,
                burst);
    }

    /** An emulator queue that holds a whole burst, so a burst that the bridge keeps up with loses nothing. */
    int queueLen() {
        return Math.max(1024, Integer.highestOneBit(burst) * 2);
    }
}
