package io.mypoll.bridge.contract;

/** What the {@code seq} of the next event must be, as the contract defines it. */
public final class Sequence {
    private Sequence() {
    }

    /**
     * The seq that follows {@code lastSeq} without a gap. An event that
     * reports {@code lost} events (an overrun) carries the seq of the last
     * one lost, so it is {@code lost} ahead; any other event is one ahead.
     */
    public static long expected(long lastSeq, long lost) {
        return lastSeq + Math.max(1, lost);
    }
}
