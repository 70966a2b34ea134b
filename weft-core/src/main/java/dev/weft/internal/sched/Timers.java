package dev.weft.internal.sched;

import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.timer.TimerHeap;
import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.locks.LockSupport;

/**
 * Timers and sleep (Go's time.go, the scheduler's half). Each P has a {@link TimerHeap}; a timer
 * armed by a goroutine goes on its P's heap, one armed from elsewhere on P 0's. Nobody owns a
 * thread for timers: due timers are run by their P's M at each schedule, by thieves in their last
 * steal round ({@link #runOthersDue}), and by sysmon, which sleeps until the earliest one and
 * then wakes an M for it (or, under PRIORITY with every P busy, fires it itself). A heap moves
 * with its P's work when the P is stopped or retaken, so no timer is left on a P nobody runs.
 */
final class Timers {
    private final Sched sched;

    Timers(Sched sched) {
        this.sched = sched;
    }

    /** Arms {@code t} to fire at {@code when}, then every {@code period} ns if positive. */
    void add(TimerEntry t, long when, long period) {
        P p = null;
        if (VirtualThreads.currentCarrierThread() instanceof M m && m.sched == sched && !m.inSyscall) {
            p = m.p;
        }
        if (p == null || p.status == P.RETAKEN) {
            p = sched.allp()[0];
        }
        if (sched.bubble != null) {
            t.tiebreak(sched.bubble.timerTiebreak()); // timers of one instant fire in a seeded order
        }
        p.timers.add(t, when, period);
        if (p.timers.nextWhen() == when) {
            sched.sysmon.timerArmed(when);
        }
    }

    /** Runs the due timers of one heap, reporting a failing callback without losing the others. */
    void runDue(TimerHeap h) {
        long now = sched.clock.nanoTime();
        if (h.nextWhen() <= now) {
            try {
                int fired = h.runDue(now);
                dev.weft.internal.trace.RuntimeTrace t = sched.trace;
                if (t != null && fired > 0) {
                    Tracing.fromCaller(sched, t, dev.weft.internal.trace.TraceEvent.TIMER_FIRE, 0, fired, 0);
                }
            } catch (Throwable e) {
                Diagnostics.warn("a timer callback of runtime '" + sched.name() + "' threw", e);
            }
        }
    }

    /** Runs other Ps' due timers (a thief's last round; sysmon). Returns whether any was due. */
    boolean runOthersDue(P pp, P[] ps) {
        long now = Long.MIN_VALUE;
        boolean ran = false;
        P[] r = sched.retaken();
        for (int i = 0, n = ps.length + r.length; i < n; i++) {
            P p2 = i < ps.length ? ps[i] : r[i - ps.length];
            if (p2 == pp || p2.status == P.STOPPED) {
                continue;
            }
            long next = p2.timers.nextWhen();
            if (next == Long.MAX_VALUE) {
                continue;
            }
            if (now == Long.MIN_VALUE) {
                now = sched.clock.nanoTime();
            }
            if (next <= now) {
                runDue(p2.timers);
                ran = true;
            }
        }
        return ran;
    }

    /** The earliest due time over every heap (Long.MAX_VALUE if none); for sysmon. */
    long earliest() {
        long min = Long.MAX_VALUE;
        for (P p : sched.allp()) {
            if (p.status != P.STOPPED) {
                min = Math.min(min, p.timers.nextWhen());
            }
        }
        for (P p : sched.retaken()) {
            min = Math.min(min, p.timers.nextWhen());
        }
        return min;
    }

    /** Timers pending over every heap; racy. */
    int pending() {
        int n = 0;
        for (P p : sched.allp()) {
            n += p.timers.size();
        }
        for (P p : sched.retaken()) {
            n += p.timers.size();
        }
        return n;
    }

    /**
     * Sysmon found a due timer: make sure some M will run it if a P is free to. Under PRIORITY
     * with every P busy, sysmon runs it itself: the goroutine it readies may outrank one that is
     * running, which must then be asked to yield now rather than at its P's next switch (Go
     * leaves such a timer to the busy Ps).
     */
    void wakeForDue() {
        if (sched.idle.idleProcs() > 0) {
            sched.idle.wakep();
        } else if (sched.queues.firesTimersWhenBusy()) {
            runOthersDue(null, sched.allp());
        }
    }

    /**
     * Go.sleep: for a goroutine of a user-space model, arm its reusable timer and park until it
     * fires. Interrupts do not end the sleep (Go's sleep has none) and are kept for the caller.
     */
    static void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        G g = Sched.currentG();
        if (g == null) {
            sleepPlatform(nanos, null);
            return;
        }
        if (g.kernelThread()) {
            // ONE_TO_ONE: the kernel's timed park is the thread's sleep; shown and counted as a
            // wait like any other (a sleep is never part of a deadlock: it has no blocker).
            g.waitReason(WaitReason.SLEEP);
            g.casStatus(GStatus.RUNNING, GStatus.WAITING);
            try {
                sleepPlatform(nanos, g);
            } finally {
                g.casStatus(GStatus.WAITING, GStatus.RUNNING);
                g.waitReason(WaitReason.NONE);
                g.sched.diagnostics.countOtherSwitch(SwitchReason.WAIT);
            }
            return;
        }
        Sched s = g.sched;
        long now = s.clock.nanoTime();
        long deadline = now + nanos < now ? Long.MAX_VALUE : now + nanos;
        G.Rare rare = g.rare(); // made by the first sleep, with the timer (G's class comment, "Size")
        TimerEntry t = rare.sleepTimer;
        if (t == null) {
            Thread self = g.thread;
            t = rare.sleepTimer = new TimerEntry((e, seq, at) -> Parking.ready(self));
        }
        boolean interrupted = false;
        s.timers.add(t, deadline, 0);
        try {
            while (t.isPending()) {
                boolean cancel = Parking.park(t, WaitReason.SLEEP, s);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (cancel) {
                    interrupted = false; // the exception answers the canceller's interrupt
                    throw g.process.cancellation(); // the finally below takes the timer out
                }
            }
        } finally {
            TimerHeap.remove(t);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A platform thread's sleep; {@code g} is its goroutine under ONE_TO_ONE, whose process may end it. */
    private static void sleepPlatform(long nanos, G g) {
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            if (ProcessSupport.pending(g)) {
                throw g.process.cancellation(); // checked first: a repeated wait has no wake-up coming
            }
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (ProcessSupport.pending(g)) {
            throw g.process.cancellation();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
