package dev.weft;

import dev.weft.internal.sched.SwitchReason;

/**
 * Context switches counted by why the goroutine left its carrier.
 *
 * @param sliceEnds   its time slice ran out and it yielded at a safe point
 * @param preemptions it was asked to yield to a higher-priority goroutine (PRIORITY policy)
 * @param waits       it waited (channel, lock, sleep, I/O, join), giving up the rest of its slice
 * @param yields      it yielded of its own accord ({@code Go.yield})
 * @param exits       its body ended
 */
public record ContextSwitches(long sliceEnds, long preemptions, long waits, long yields, long exits) {
    static ContextSwitches of(long[] byReason) {
        return new ContextSwitches(byReason[SwitchReason.SLICE_END], byReason[SwitchReason.PRIORITY],
                byReason[SwitchReason.WAIT], byReason[SwitchReason.YIELD], byReason[SwitchReason.EXIT]);
    }

    public long total() {
        return sliceEnds + preemptions + waits + yields + exits;
    }
}
