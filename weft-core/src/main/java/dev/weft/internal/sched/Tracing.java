package dev.weft.internal.sched;

import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceBuffer;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import dev.weft.internal.trace.TraceWriter;
import dev.weft.internal.trace.TraceWriters;
import dev.weft.internal.vm.VirtualThreads;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The scheduler's side of execution tracing (the recording itself is in
 * {@code dev.weft.internal.trace}). Every hook in the rooms is one volatile read of
 * {@link Sched#trace} and a branch that is not taken while nothing records; the methods here run
 * only when a recording is on.
 *
 * <p><b>Which buffer.</b> A carrier (M) of the runtime writes its own buffer: its scheduling loop
 * and the goroutine mounted on it never run at the same time, so the buffer has one writer and
 * needs no lock. Buffers are per M rather than per P, as in Go since 1.21: a P changes carriers
 * (a hand-off while its M blocks in {@code Go.blocking}), and a retaken P and its replacement
 * share an id while two Ms run them, so a per-P buffer would have two writers. Each event carries
 * the P its M held, which is what the file's P tracks are built from. Any other thread (sysmon,
 * platform threads, ONE_TO_ONE goroutines, the JDK's unparkers, another runtime's carriers)
 * writes the runtime's shared buffer under its lock.
 *
 * <p><b>The clock.</b> A clock read ({@code TraceClock}) costs as much as the rest of an event, so
 * a switch reads it once: the stop; a start found at once after it reuses it ({@link #goStart}), and the
 * creations and wake-ups a goroutine makes on a carrier read none ({@link #untimed}; their time
 * is inferred when the file is written, see {@code EventTimes}).
 *
 * <p><b>{@code -Dweft.trace=FILE}.</b> One recording for the whole JVM: every runtime built while
 * it runs is attached at construction, and a shutdown hook stops it and writes the file.
 */
final class Tracing {
    private Tracing() {}

    private static final System.Logger LOG = System.getLogger("dev.weft");

    /** The JVM-wide recording of -Dweft.trace, or null. Guarded by the class. */
    private static TraceSession global;
    private static boolean globalTried;

    /**
     * A test's probe, run by {@link #start} between its check that the runtime is not closed and
     * the attach (null otherwise): a close there races the start.
     */
    static volatile Runnable afterClosedCheckForTest;

    /** Starts a recording of {@code sched} alone into {@code file}. */
    static TraceSession start(Sched sched, Path file, int capacity) {
        if (sched.isStopped()) { // nothing would be recorded: an empty file at stop helps no one
            throw closed(sched);
        }
        TraceWriter writer = TraceWriters.load(); // fails at once, naming the artifact, if absent
        checkWritable(file);
        Runnable probe = afterClosedCheckForTest;
        if (probe != null) {
            probe.run();
        }
        TraceSession s = new TraceSession(file, writer, capacity);
        attach(s, sched);
        return s;
    }

    /**
     * Creates (or empties) {@code file} now, so that a path that cannot be written fails the
     * start, naming it, rather than the stop, after the whole recording.
     */
    private static void checkWritable(Path file) {
        try {
            java.nio.file.Files.newOutputStream(file).close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("weft: cannot write the trace to " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    private static void attach(TraceSession s, Sched sched) {
        s.attach(sched.name(), sched.procs(), rt -> {
            synchronized (Tracing.class) { // one startTrace at a time
                if (sched.trace != null) {
                    throw new IllegalStateException("weft: runtime '" + sched.name() + "' is already being traced"
                            + " (by another startTrace, or by -Dweft.trace for the whole JVM)");
                }
                // The carriers that exist get their buffers now, so that none allocates one (and
                // zeroes megabytes) in the middle of its work. The volatile write of trace below
                // publishes them; a carrier still finishing an event of a previous recording may
                // replace its new buffer with one of its own, which costs memory only.
                for (M m : sched.idle.allmSnapshot()) {
                    m.traceBuf = rt.newCarrierBuffer(m.mid);
                }
                if (!Sched.TRACE.compareAndSet(sched, null, rt)) {
                    throw new IllegalStateException("weft: runtime '" + sched.name() + "' is already being traced");
                }
                if (sched.isStopped()) {
                    // A close stopped it since start's check. It reads trace after it sets
                    // stopped, and this reads stopped after setting trace: if it found no
                    // recording to compact, this finds it stopped. Either way nothing more will
                    // be recorded: refused, and the carriers' new buffers dropped, or the
                    // recording would keep them (megabytes each) until it is written.
                    Sched.TRACE.compareAndSet(sched, rt, null);
                    for (M m : sched.idle.allmSnapshot()) {
                        TraceBuffer b = m.traceBuf;
                        if (b != null && b.owner() == rt) {
                            m.traceBuf = null;
                        }
                    }
                    throw closed(sched);
                }
            }
        }, rt -> Sched.TRACE.compareAndSet(sched, rt, null));
    }

    private static IllegalStateException closed(Sched sched) {
        return new IllegalStateException("weft: runtime '" + sched.name() + "' is closed; there is nothing to trace");
    }

    /** From each Sched constructor: attach to the -Dweft.trace recording if there is one. */
    static void attachGlobal(Sched sched) {
        String file = System.getProperty("weft.trace");
        if (file == null || file.isBlank()) {
            return;
        }
        TraceSession s;
        synchronized (Tracing.class) {
            if (!globalTried) {
                globalTried = true;
                try {
                    TraceWriter writer = TraceWriters.load();
                    checkWritable(Path.of(file.trim()));
                    global = new TraceSession(Path.of(file.trim()), writer, TraceSession.configuredCapacity());
                    TraceSession g = global;
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopGlobal(g), "weft-trace-writer"));
                } catch (RuntimeException | LinkageError e) { // LinkageError: never break the runtime for a trace
                    LOG.log(System.Logger.Level.ERROR, "weft: -Dweft.trace=" + file + " is ignored: " + e);
                }
            }
            s = global;
        }
        if (s != null) {
            attach(s, sched);
        }
    }

    private static void stopGlobal(TraceSession s) {
        try {
            s.stop();
            System.err.println("weft: trace written to " + s.file().toAbsolutePath()
                    + (s.dropped() > 0 ? " (" + s.dropped() + " events dropped: raise -Dweft.trace.buffer)" : ""));
        } catch (IOException | RuntimeException | LinkageError e) { // LinkageError: the writer's own dependencies missing
            LOG.log(System.Logger.Level.ERROR, "weft: could not write the trace to " + s.file(), e);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Writing events

    /** M {@code m}'s buffer for recording {@code t}, made on its first event. Owner thread only. */
    static TraceBuffer buffer(RuntimeTrace t, M m) {
        TraceBuffer b = m.traceBuf;
        if (b == null || b.owner() != t) {
            if (Thread.currentThread() != m) {
                // A goroutine mounted on m: only m's own thread may install m's buffer. A
                // goroutine can unmount inside the synchronized newCarrierBuffer (a contended
                // monitor unmounts a virtual thread) and resume on another carrier, and would then
                // write m's buffer beside m's own loop. The shared buffer (locked) takes the event.
                return t.shared();
            }
            b = t.newCarrierBuffer(m.mid);
            m.traceBuf = b;
        }
        return b;
    }

    /** An event from the M's own context (its loop, or the goroutine mounted on it). */
    static void onM(RuntimeTrace t, M m, int kind, int c, long a, long b) {
        P p = m.p;
        TraceBuffer buf = buffer(t, m);
        if (buf.mid() >= 0) {
            buf.add(kind, p == null ? -1 : p.id, c, a, b);
        } else {
            buf.addShared(kind, p == null ? -1 : p.id, c, a, b); // past the cap on carrier buffers
        }
    }

    /**
     * GO_START of {@code g} on M {@code m}; {@code afterStop}: {@code g} was found in the P's
     * runnext or local queue right after the M's last stop ({@code M.foundAtOnce}), so it became
     * runnable before that stop was stamped and the start may take the stop's time: the moment
     * between is the scheduler's own, well under a microsecond.
     */
    static void goStart(RuntimeTrace t, M m, G g, boolean afterStop) {
        P p = m.p;
        TraceBuffer buf = buffer(t, m);
        if (buf.mid() >= 0) {
            buf.start(p == null ? -1 : p.id, g.id, afterStop);
        } else {
            buf.addShared(TraceEvent.GO_START, p == null ? -1 : p.id, m.mid, g.id, 0);
        }
    }

    /** An event from whatever thread calls: its carrier's buffer if that is ours, else the shared one. */
    static void fromCaller(Sched sched, RuntimeTrace t, int kind, int c, long a, long b) {
        Thread carrier = VirtualThreads.currentCarrierThread();
        if (carrier instanceof M m && m.sched == sched) {
            onM(t, m, kind, c, a, b);
        } else {
            t.shared().addShared(kind, -1, c, a, b);
        }
    }

    /**
     * A GO_CREATE or GO_UNBLOCK of goroutine {@code g} by the calling thread, whose carrier is
     * {@code carrier} (the caller has it at hand). On a carrier of this runtime it is untimed
     * ({@link TraceBuffer#addUntimed}: a creation or a wake-up is as frequent as a switch, and
     * the clock costs as much as the rest of an event); elsewhere it goes to the shared buffer,
     * stamped. {@code by}: the creator or the waker.
     */
    static void untimed(Sched sched, RuntimeTrace t, Thread carrier, int kind, G g, long by) {
        if (carrier instanceof M m && m.sched == sched) {
            P p = m.p;
            TraceBuffer buf = buffer(t, m);
            if (buf.mid() >= 0) {
                buf.addUntimed(kind, p == null ? -1 : p.id, 0, g.id, by);
            } else {
                buf.addShared(kind, p == null ? -1 : p.id, 0, g.id, by);
            }
        } else {
            t.shared().addShared(kind, -1, 0, g.id, by);
        }
    }

    /** GO_UNBLOCK of {@code g} from {@code ready}: by the goroutine running on the caller's carrier, if any. */
    static void unblock(Sched sched, RuntimeTrace t, Thread carrier, G g) {
        untimed(sched, t, carrier, TraceEvent.GO_UNBLOCK, g, currentGoid(sched, carrier));
    }

    /** An event of a thread that is not a carrier (sysmon), about P {@code p} or none (-1). */
    static void shared(RuntimeTrace t, int p, int kind, int c, long a, long b) {
        t.shared().addShared(kind, p, c, a, b);
    }

    /** GO_STOP's b: the wait reason and the identity hash of what the G waits on. */
    static long waitWord(G g, int reason) {
        if (reason != SwitchReason.WAIT) {
            return 0;
        }
        Object blocker = g.waitBlocker;
        long hash = blocker == null ? 0 : System.identityHashCode(blocker);
        return hash << 32 | g.waitReasonOrdinal();
    }

    /**
     * The id of the goroutine of {@code sched} running on the calling thread (0: none, or one of
     * another runtime, whose ids mean other goroutines here).
     */
    static long currentGoid(Sched sched, Thread carrier) {
        if (carrier instanceof M m && carrier != Thread.currentThread() && m.sched == sched) {
            G g = m.curg;
            return g == null ? 0 : g.id;
        }
        if (carrier instanceof G.KernelThread k && k.g.sched == sched) {
            return k.g.id;
        }
        return 0;
    }

    static void goStop(RuntimeTrace t, M m, G g, int reason) {
        P p = m.p;
        TraceBuffer buf = buffer(t, m);
        if (buf.mid() >= 0) {
            buf.stop(p == null ? -1 : p.id, reason, g.id, waitWord(g, reason));
        } else {
            buf.addShared(TraceEvent.GO_STOP, p == null ? -1 : p.id, reason, g.id, waitWord(g, reason));
        }
    }
}
