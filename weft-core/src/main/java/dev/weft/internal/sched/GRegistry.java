package dev.weft.internal.sched;

import dev.weft.internal.util.SpinLock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every live goroutine of one runtime (Go's {@code allgs}), for goroutine dumps, deadlock
 * detection and the runtime's thread container.
 *
 * <p><b>Nothing at exit.</b> A goroutine is usually created on one carrier and ends on another
 * (a steal, a global batch, a wake-up on another P). A registry that both adds and removes
 * makes every goroutine move the registry's cache lines from the creator's core to the exiter's
 * and back: measured at about 100 ns a goroutine when a platform thread spawns for a carrier,
 * a quarter of the whole spawn (docs/BENCHMARKS.md). So, as Go's {@code allgs} does, the
 * registry is written by creators only: a goroutine is appended to its creator's {@link Shard}
 * and nothing is written here when it ends. An ended goroutine ({@link G#bodyDone}, set by its
 * own exit, which also drops what its body referred to: {@link G#forgetAfterExit}) stays in its
 * shard, skipped by weft's readers, until a compaction drops it once its thread has terminated
 * (until then the JDK's exit path may still block, and thread dumps list it: {@link #threads}):
 * the creator compacts a full shard before growing it, and sysmon {@link #sweep sweeps} every
 * shard once the ended entries outnumber the live ones ({@link #needsSweep}), so they number
 * about the live goroutines at most.
 *
 * <p><b>Shards.</b> One per carrier (M) of the runtime, for goroutines created on it (by the
 * goroutine it runs, or by the M itself for a timer callback), and one shared by every other
 * creator (platform threads, ONE_TO_ONE goroutines, other runtimes' carriers). A carrier's shard
 * has one writer at a time, so its spin lock is taken without contention except by a reader or
 * sysmon's sweep; the lock is still needed for them. (A spin lock, not a monitor: see
 * {@link SpinLock}.)
 */
final class GRegistry {
    private static final int INITIAL = 256;

    /** One creator's goroutines in creation order, ended ones included until a compaction. */
    static final class Shard {
        final SpinLock lock = new SpinLock();
        /** Under lock. */
        G[] gs = new G[INITIAL];
        /** Entries in {@link #gs}; under lock, read racily by {@link #entries}. */
        int size;
        /**
         * The size at which the creator compacts (at most {@code gs.length}); under lock. Doubled
         * when a compaction leaves the shard mostly live, lowered by a sweep that leaves it mostly
         * empty; the array itself is never given back, see {@link #sweep}.
         */
        int limit = INITIAL;
    }

    private final Shard shared = new Shard();
    /** Every shard, the shared one first; copy-on-write under {@link #shardsLock}. */
    private volatile Shard[] shards = {shared};
    private final SpinLock shardsLock = new SpinLock();

    /** The shard for goroutines created on carrier {@code m}, made on its first. Only on m's thread. */
    Shard shardOf(M m) {
        Shard s = m.registryShard;
        if (s == null) {
            s = new Shard();
            shardsLock.lock();
            try {
                Shard[] old = shards;
                Shard[] grown = Arrays.copyOf(old, old.length + 1);
                grown[old.length] = s;
                shards = grown;
            } finally {
                try {
                    shardsLock.unlock();
                } catch (VirtualMachineError e) {
                    shardsLock.held = 0; // see SpinLock#held: a lock left held would stop sysmon's sweep
                }
            }
            m.registryShard = s;
        }
        return s;
    }

    /** The shard of creators that are not carriers of the runtime. */
    Shard shared() {
        return shared;
    }

    void add(Shard s, G g) {
        s.lock.lock();
        try {
            if (s.size == s.limit) {
                compactLocked(s);
                if (s.size > s.limit / 2) { // mostly live: raise the limit, so the next compaction is as far
                    int limit = s.limit * 2;
                    if (limit > s.gs.length) {
                        s.gs = Arrays.copyOf(s.gs, limit); // first: an OutOfMemoryError leaves the shard as it was
                    }
                    s.limit = limit;
                }
            }
            s.gs[s.size++] = g;
        } finally {
            try {
                s.lock.unlock();
            } catch (VirtualMachineError e) {
                s.lock.held = 0; // see SpinLock#held: a lock left held would stop sysmon's sweep
            }
        }
    }


    /**
     * The threads of the goroutines weft started (not adopted ones, which are the JDK root
     * container's) that have not terminated, ended bodies included: the JDK's exit path of a
     * thread may still block (closing a structured scope), and a thread dump should show it.
     */
    List<Thread> threads() {
        List<Thread> all = new ArrayList<>();
        for (Shard s : shards) {
            s.lock.lock();
            try {
                for (int i = 0; i < s.size; i++) {
                    G g = s.gs[i];
                    if (!g.adopted() && !neverRuns(g) && g.thread.isAlive()) {
                        all.add(g.thread);
                    }
                }
            } finally {
                try {
                    s.lock.unlock();
                } catch (VirtualMachineError e) {
                    s.lock.held = 0; // see SpinLock#held: a lock left held would stop sysmon's sweep
                }
            }
        }
        return all;
    }

    /** A snapshot of the live goroutines (body not ended), in no particular order. */
    List<G> snapshot() {
        List<G> all = new ArrayList<>();
        for (Shard s : shards) {
            s.lock.lock();
            try {
                for (int i = 0; i < s.size; i++) {
                    G g = s.gs[i];
                    if (!g.bodyDone) {
                        all.add(g);
                    }
                }
            } finally {
                try {
                    s.lock.unlock();
                } catch (VirtualMachineError e) {
                    s.lock.held = 0; // see SpinLock#held: a lock left held would stop sysmon's sweep
                }
            }
        }
        return all;
    }

    /** Entries, live and ended, over every shard; racy. */
    long entries() {
        long n = 0;
        for (Shard s : shards) {
            n += s.size;
        }
        return n;
    }

    /**
     * Sysmon: whether the ended entries outnumber the {@code live} goroutines, and are more than
     * the shards hold before compacting themselves (else every round would sweep, taking the
     * carriers' shard locks and lines for nothing).
     */
    boolean needsSweep(long live) {
        return entries() - live > Math.max((long) INITIAL * shards.length, live);
    }

    /**
     * Sysmon: drops every ended entry, and lowers the compaction limit of a shard left mostly
     * empty, so that its creator compacts as often as before the burst. The arrays keep their
     * size, as Go's {@code allgs} and the JDK's root container's map do: 4 bytes a slot for the
     * most goroutines a shard has held at once, beside the 400 and more each of them took. Given
     * back after each burst, they were grown and copied again by the next: 7 to 9 bytes per
     * goroutine of a 1,000,000 spawn run, which count toward its young collections
     * (docs/notes/issue-11-spawn.md).
     */
    void sweep() {
        for (Shard s : shards) {
            s.lock.lock();
            try {
                compactLocked(s);
                if (s.limit > INITIAL && s.size < s.limit / 8) {
                    s.limit = Math.max(INITIAL, s.size * 2);
                }
            } finally {
                try {
                    s.lock.unlock();
                } catch (VirtualMachineError e) {
                    s.lock.held = 0; // see SpinLock#held: a lock left held would stop sysmon's sweep
                }
            }
        }
    }

    /**
     * A G whose spawn was refused or undone before it was ever queued (Goroutines.start): its
     * body is done and it is still IDLE, so its started thread (alive for the JDK) can never run.
     */
    private static boolean neverRuns(G g) {
        return g.bodyDone && g.status == GStatus.IDLE;
    }

    /**
     * Under the shard's lock: drops the ended goroutines whose threads have terminated. A G its
     * M marked DEAD is known terminated from the G alone (the M marks it only once the thread is
     * no longer alive; not so a ONE_TO_ONE goroutine, whose own thread marks it before it ends):
     * the entries a compaction drops are mostly such, last written on other cores, and asking
     * their threads as well read a second cold line per entry, half of a compaction's time
     * (docs/BENCHMARKS.md, "Issue 11, eighth session").
     */
    private static void compactLocked(Shard s) {
        G[] gs = s.gs;
        int kept = 0;
        for (int i = 0; i < s.size; i++) {
            G g = gs[i];
            if (g.status == GStatus.DEAD && !g.kernelThread()) {
                continue;
            }
            if (!g.bodyDone || (!neverRuns(g) && g.thread.isAlive())) {
                gs[kept++] = g;
            }
        }
        Arrays.fill(gs, kept, s.size, null);
        s.size = kept;
    }
}
