package dev.weft.internal.sched;

import dev.weft.internal.jfr.WeftEvents;
import jdk.jfr.FlightRecorder;

/**
 * Where the scheduler commits its JFR events ({@link WeftEvents}). Each method is called at the
 * decision it records, next to the trace hook. It first asks {@code FlightRecorder.isInitialized()}
 * (a static volatile read): until something starts the flight recorder, weft never touches an
 * event class, because the first use of one initialises JFR's Java side, some 90 ms (measured)
 * that would stall a carrier in the middle of a steal. Then {@code isEnabled()} on a fresh
 * event: false while no recording enables the type; the event never escapes and the JIT removes
 * it. {@code dev.weft.SchedulerStats} comes
 * from sysmon ({@link #statsTick}), once a period per runtime while a recording enables it.
 */
final class Jfr {
    private Jfr() {}

    /** How often sysmon commits dev.weft.SchedulerStats while a recording enables it: -Dweft.jfr.period (ms). */
    static final long STATS_PERIOD_NANOS = statsPeriod(System.getProperty("weft.jfr.period"));

    /** The period {@code v} (the property's value, or null) asks for, in ns. */
    static long statsPeriod(String v) {
        if (v == null || v.isBlank()) {
            return 1_000_000_000L;
        }
        try {
            long ms = Long.parseLong(v.trim());
            if (ms > 0 && ms <= Long.MAX_VALUE / 1_000_000) { // larger ones wrap to a negative period
                return ms * 1_000_000;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        Diagnostics.warn("-Dweft.jfr.period=" + v + " is not a positive number of milliseconds; using 1000", null);
        return 1_000_000_000L;
    }

    /**
     * Sysmon, each time it wakes: commits this runtime's statistics if a recording enables them
     * and a period has passed since {@code due}; returns the next due time. Not a JFR periodic
     * event ({@code FlightRecorder.addPeriodicEvent}): JDK 25 never schedules one registered
     * after a recording started, which is when the first runtime comes (measured: no event).
     */
    static long statsTick(Sched s, long due) {
        long now = System.nanoTime();
        if (now - due < 0 || !FlightRecorder.isInitialized()) {
            return due; // not yet; or no flight recorder (then the first tick after it starts commits)
        }
        WeftEvents.SchedulerStats e = new WeftEvents.SchedulerStats();
        if (e.isEnabled()) {
            emitStats(s, e);
        }
        return now + STATS_PERIOD_NANOS;
    }

    private static void emitStats(Sched s, WeftEvents.SchedulerStats e) {
        SchedStats st = s.stats();
        e.runtime = s.name();
        e.goroutines = st.live();
        e.procs = st.procs();
        e.idleProcs = st.idleProcs();
        e.threads = st.threads();
        e.spinning = st.spinning();
        e.globalQueue = st.globalRunq();
        int local = 0;
        for (int n : st.localRunq()) {
            local += n;
        }
        e.localQueues = local;
        e.switches = st.switches();
        e.steals = st.steals();
        e.handoffs = st.syscallHandoffs();
        e.retakes = st.hogRetakes() + st.blockedRetakes();
        e.preemptions = st.preemptRequests() + st.priorityPreemptRequests();
        e.boosts = st.starvationBoosts();
        e.commit();
    }

    static void preempt(Sched s, G g, P p, int reason) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.Preempt e = new WeftEvents.Preempt();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.goroutine = g.id;
            e.p = p == null ? -1 : p.id;
            e.reason = SwitchReason.name(reason);
            e.commit();
        }
    }

    static void steal(Sched s, P thief, P victim) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.Steal e = new WeftEvents.Steal();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.p = thief.id;
            e.victim = victim.id;
            e.count = 1 + thief.runqSize(); // the one returned, and the rest now in the thief's queue
            e.commit();
        }
    }

    static void handoff(Sched s, P p) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.Handoff e = new WeftEvents.Handoff();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.p = p.id;
            e.commit();
        }
    }

    static void retake(Sched s, P p, G g, boolean blocked) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.Retake e = new WeftEvents.Retake();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.p = p.id;
            e.goroutine = g == null ? 0 : g.id;
            e.blocked = blocked;
            e.commit();
        }
    }

    static void boost(Sched s, int count, int level) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.PriorityBoost e = new WeftEvents.PriorityBoost();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.count = count;
            e.level = level;
            e.commit();
        }
    }

    static void deadlock(Sched s, String dump) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.Deadlock e = new WeftEvents.Deadlock();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.goroutines = s.goroutines.live();
            e.dump = dump;
            e.commit();
        }
    }

    static void procsChange(Sched s, int from, int to) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        WeftEvents.ProcsChange e = new WeftEvents.ProcsChange();
        if (e.isEnabled()) {
            e.runtime = s.name();
            e.from = from;
            e.to = to;
            e.commit();
        }
    }
}
