// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import java.lang.management.ManagementFactory;

/** The heap the tests' objects take, for tests that show a bound holds. */
public final class HeapUse {
    private HeapUse() {
    }

    /** Bytes of heap in use after a few collections: what is still reachable, give or take. */
    public static long afterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Not a wait for a condition: a pause between collections, for the references one clears.
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
