package dev.weft.internal.sched;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Go's {@code GODEBUG=schedtrace=N,scheddetail=1}: with {@code -Dweft.schedtrace=N} (ms) sysmon
 * prints one line every N ms to stderr, in Go's layout:
 * <pre>SCHED 2001ms: gomaxprocs=2 idleprocs=0 threads=5 spinningthreads=1 needspinning=0 idlethreads=2 runqueue=0 [3 1]</pre>
 * (time since the runtime started; {@code threads} counts the carriers and sysmon, as Go's counts
 * its Ms and sysmon's; {@code runqueue} is the global queue and the brackets each P's local
 * queue, runnext not counted). With {@code -Dweft.scheddetail=true} as well, a line per P, M and
 * goroutine follows, as Go's scheddetail prints (G status numbers are Go's: 1 runnable, 2
 * running, 3 syscall, 4 waiting, with the wait reason).
 *
 * <p>No thread of its own: sysmon calls {@link #tick} each time it wakes and bounds its sleeps
 * with {@link #cap}, so a quiet runtime still prints on time. Both read the settings once, at
 * the runtime's construction, and cost one branch when off.
 */
final class SchedTrace {
    private final Sched sched;
    /** 0: off. */
    private final long periodNanos;
    private final boolean detail;
    private final long startNanos = System.nanoTime();
    private long next;

    SchedTrace(Sched sched) {
        this.sched = sched;
        this.periodNanos = period();
        this.detail = Boolean.getBoolean("weft.scheddetail");
        this.next = startNanos + periodNanos;
    }

    private static long period() {
        String s = System.getProperty("weft.schedtrace");
        if (s == null || s.isBlank()) {
            return 0;
        }
        long ms;
        try {
            ms = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weft: -Dweft.schedtrace=" + s + " is not a number of milliseconds", e);
        }
        if (ms < 0) {
            throw new IllegalArgumentException("weft: -Dweft.schedtrace=" + s + " must not be negative");
        }
        if (ms > Long.MAX_VALUE / 1_000_000) { // its nanoseconds would wrap to a negative period
            throw new IllegalArgumentException("weft: -Dweft.schedtrace=" + s + " is too large (at most "
                    + Long.MAX_VALUE / 1_000_000 + " ms)");
        }
        return ms * 1_000_000;
    }

    /** Sysmon: {@code sleepNanos}, shortened so that it wakes for the next line. */
    long cap(long sleepNanos) {
        if (periodNanos == 0) {
            return sleepNanos;
        }
        return Math.max(1_000, Math.min(sleepNanos, next - System.nanoTime()));
    }

    /** Sysmon, each time it wakes: prints if a line is due. */
    void tick() {
        if (periodNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (now - next < 0) { // nanoTime may wrap: compare differences
            return;
        }
        next = Math.max(next + periodNanos, now + periodNanos / 2);
        PrintStream err = System.err;
        String text = render(now);
        synchronized (err) {
            err.print(text);
            err.flush();
        }
    }

    /** The line (and with detail the per-P, M and G lines) for time {@code now}. */
    String render(long now) {
        SchedStats s = sched.stats();
        StringBuilder sb = new StringBuilder(128);
        sb.append("SCHED ").append((now - startNanos) / 1_000_000).append("ms: gomaxprocs=").append(s.procs())
                .append(" idleprocs=").append(s.idleProcs())
                .append(" threads=").append(s.threads() + 1)
                .append(" spinningthreads=").append(s.spinning())
                .append(" needspinning=").append(sched.idle.needSpinning())
                .append(" idlethreads=").append(s.idleThreads())
                .append(" runqueue=").append(s.globalRunq());
        if (!detail) {
            sb.append(" [");
            for (int i = 0; i < s.localRunq().length; i++) {
                sb.append(i == 0 ? "" : " ").append(s.localRunq()[i]);
            }
            sb.append("]\n");
            return sb.toString();
        }
        sb.append(" timers=").append(s.timers()).append('\n');
        List<M> ms = sched.idle.allmSnapshot();
        Map<G, M> running = new HashMap<>();
        for (M m : ms) {
            G g = m.curg;
            if (g != null) {
                running.put(g, m);
            }
        }
        P[] ps = sched.allp();
        for (int i = 0; i < Math.min(ps.length, s.procs()); i++) {
            P p = ps[i];
            M m = p.m;
            sb.append("  P").append(p.id).append(": status=").append(goPStatus(p.status))
                    .append(" schedtick=").append(p.schedtick).append(" syscalltick=").append(p.syscalltick)
                    .append(" m=").append(m == null ? "nil" : String.valueOf(m.mid))
                    .append(" runqsize=").append(p.runqSize()).append(" runnext=").append(p.hasRunnext())
                    .append(" timerslen=").append(p.timers.size()).append('\n');
        }
        for (M m : ms) {
            P p = m.p;
            G g = m.curg;
            sb.append("  M").append(m.mid).append(": p=").append(p == null ? "nil" : String.valueOf(p.id))
                    .append(" curg=").append(g == null ? "nil" : String.valueOf(g.id))
                    .append(" spinning=").append(m.spinning).append(" blocked=").append(m.parked)
                    .append(" insyscall=").append(m.inSyscall).append('\n');
        }
        for (G g : sched.goroutines.all.snapshot()) {
            M m = running.get(g);
            sb.append("  G").append(g.id).append(": status=").append(goGStatus(g)).append(" m=")
                    .append(m == null ? "nil" : String.valueOf(m.mid)).append(" priority=").append(g.basePriority)
                    .append(" thread=").append(g.thread.threadId()).append('\n');
        }
        return sb.toString();
    }

    /** Go's P status numbers: 0 idle, 1 running, 2 syscall, 3 gcstop (weft: retaken), 4 dead (stopped). */
    private static int goPStatus(int s) {
        return switch (s) {
            case P.IDLE -> 0;
            case P.RUNNING -> 1;
            case P.SYSCALL -> 2;
            case P.RETAKEN -> 3;
            default -> 4;
        };
    }

    /** Go's G status number and, for a wait, the reason: {@code 4(chan receive)}. */
    private static String goGStatus(G g) {
        int s = g.status;
        if (s == GStatus.RUNNING && g.inSyscall) {
            return "3()";
        }
        return switch (s) {
            case GStatus.IDLE -> "0()";
            case GStatus.RUNNABLE, GStatus.RUNNABLE_MOUNTED -> "1()";
            case GStatus.RUNNING -> "2()";
            case GStatus.WAITING -> "4(" + g.statusText() + ")";
            default -> "6()";
        };
    }
}
