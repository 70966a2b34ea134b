package dev.weft.internal.sched;

import dev.weft.internal.vm.VirtualThreads;
import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceEvent;
import java.util.concurrent.Callable;

/**
 * Blocking calls: Go's {@code entersyscall}/{@code exitsyscall} and sysmon's syscall retake.
 *
 * <p>{@code Go.blocking(call)} marks the caller's P SYSCALL for the call's duration. If the call
 * lasts (sysmon sees the same {@code syscalltick} twice), sysmon CASes the P from SYSCALL to IDLE
 * and hands it to another M ({@link Idle#handoffp}), so the other goroutines keep running while
 * this carrier is blocked. On the way out the G CASes its P back to RUNNING (the fast path, one
 * CAS); if the P is gone it takes an idle P, or else leaves its carrier with a yield, and its M
 * queues it globally and goes looking for a P like any idle M. The CAS on both sides decides
 * exactly once who owns the P.
 */
final class Syscalls {
    private Syscalls() {}

    /** Runs {@code call}, which may block the carrier, with the caller's P marked SYSCALL. */
    static <T> T blocking(Callable<T> call) throws Exception {
        G g = Sched.currentG();
        if (g == null || g.inSyscall || !g.sched.handsOff) {
            // A platform thread, already inside Go.blocking, or a model without hand-off: under
            // N_1 the call blocks every goroutine; under ONE_TO_ONE only its own thread.
            return call.call();
        }
        M m = (M) VirtualThreads.currentCarrierThread();
        P p = m.p;
        if (p == null) {
            return call.call();
        }
        p.syscalltick++;
        if (!p.casStatus(P.RUNNING, P.SYSCALL)) {
            return call.call(); // sysmon is taking the P from us anyway
        }
        g.inSyscall = true;
        m.inSyscall = true;
        RuntimeTrace t = g.sched.trace;
        if (t != null) {
            Tracing.onM(t, m, TraceEvent.SYSCALL_ENTER, 0, g.id, 0);
        }
        try {
            return call.call();
        } finally {
            exit(g);
        }
    }

    private static void exit(G g) {
        if (!g.inSyscall) {
            return; // the G unmounted inside the call; its M settled the syscall then
        }
        M m = (M) VirtualThreads.currentCarrierThread();
        g.inSyscall = false;
        m.inSyscall = false;
        P p = m.p;
        if (p.casStatus(P.SYSCALL, P.RUNNING)) {
            RuntimeTrace t = g.sched.trace;
            if (t != null) {
                Tracing.onM(t, m, TraceEvent.SYSCALL_EXIT, 0, g.id, 0);
            }
            return; // fast path: nobody took the P
        }
        Sched sched = g.sched;
        m.p = null;
        RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.onM(t, m, TraceEvent.SYSCALL_EXIT, 1, g.id, 0);
        }
        P idle;
        sched.lock.lock();
        try {
            idle = sched.idle.pidleget();
        } finally {
            sched.lock.unlock();
        }
        if (idle != null) {
            Sched.acquirep(m, idle);
            return;
        }
        // No P: leave the carrier. The yield comes back to our M from its own carrier, which
        // queues the G globally (afterRun) and then looks for a P or parks (findRunnable).
        Thread.yield();
    }

    /** The G parked inside Go.blocking (a JDK park in the call): settle the syscall for it. */
    static void unmountedInSyscall(M m, G g) {
        g.inSyscall = false;
        m.inSyscall = false;
        P p = m.p;
        if (p != null && !p.casStatus(P.SYSCALL, P.RUNNING)) {
            m.p = null; // sysmon handed it off meanwhile
        }
    }

    /** Sysmon: retake a P in SYSCALL that has been seen there twice, and hand it off. */
    static boolean retake(Sched sched, P p) {
        if (!p.casStatus(P.SYSCALL, P.IDLE)) {
            return false;
        }
        p.m = null;
        sched.preemption.syscallHandoffs.incrementAndGet();
        Jfr.handoff(sched, p);
        RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.shared(t, p.id, TraceEvent.P_HANDOFF, 0, p.id, 0);
        }
        sched.idle.handoffp(p);
        return true;
    }
}
