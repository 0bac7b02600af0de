// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import java.io.IOException;

/** What a mypoll reader can ask of its device besides reading: triggers, the timer, bursts, counters. */
public interface MypollControl {
    /** Writes the payload to the device, which makes one MANUAL event (first 40 bytes). */
    void trigger(byte[] payload) throws IOException;

    /** Timer period in microseconds; 0 when the timer is off. */
    int periodUs() throws IOException;

    void setPeriodUs(int periodUs) throws IOException;

    /** Makes {@code count} BURST events now. */
    void burst(int count) throws IOException;

    /** This reader's counters. */
    DeviceStats stats() throws IOException;
}
