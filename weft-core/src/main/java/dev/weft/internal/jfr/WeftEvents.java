package dev.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * weft's JDK Flight Recorder events, shown in JMC under "weft". Each is committed where the
 * scheduler makes the decision it records (see {@code dev.weft.internal.sched.Jfr}), never per
 * context switch: the rarest decisions (a preemption request, a steal, a hand-off, a retake, a
 * boost, a deadlock, a procs change) are cheap enough to record each, and the busy counters go
 * into the periodic {@link SchedulerStats} instead. Every site first checks {@code isEnabled()}
 * on a new event, which is false, and lets the JIT drop the allocation, while no recording
 * enables the event. No stack traces: the interesting thread is seldom the one that records.
 */
public final class WeftEvents {
    private WeftEvents() {}

    @Name("dev.weft.Preempt")
    @Label("Preemption Request")
    @Category("weft")
    @Description("A running goroutine was asked to yield at its next safe point: its time slice ran out, or a"
            + " higher-priority goroutine became ready.")
    @StackTrace(false)
    public static final class Preempt extends Event {
        @Label("Runtime") public String runtime;
        @Label("Goroutine") public long goroutine;
        @Label("P") public int p;
        @Label("Reason") public String reason;
    }

    @Name("dev.weft.Steal")
    @Label("Steal")
    @Category("weft")
    @Description("An idle P took goroutines from another P's run queue.")
    @StackTrace(false)
    public static final class Steal extends Event {
        @Label("Runtime") public String runtime;
        @Label("Thief P") public int p;
        @Label("Victim P") public int victim;
        @Label("Goroutines Taken") public int count;
    }

    @Name("dev.weft.Handoff")
    @Label("P Hand-off")
    @Category("weft")
    @Description("A P whose carrier stayed blocked in Go.blocking was handed to another carrier.")
    @StackTrace(false)
    public static final class Handoff extends Event {
        @Label("Runtime") public String runtime;
        @Label("P") public int p;
    }

    @Name("dev.weft.Retake")
    @Label("P Retake")
    @Category("weft")
    @Description("A P was taken from a carrier stuck in one goroutine (a CPU hog past its slice, or a carrier"
            + " blocked outside weft's knowledge) and handed to another carrier.")
    @StackTrace(false)
    public static final class Retake extends Event {
        @Label("Runtime") public String runtime;
        @Label("P") public int p;
        @Label("Goroutine") public long goroutine;
        @Label("Carrier Blocked") public boolean blocked;
    }

    @Name("dev.weft.PriorityBoost")
    @Label("Starvation Boost")
    @Category("weft")
    @Description("The PRIORITY policy's starvation guard raised goroutines queued too long.")
    @StackTrace(false)
    public static final class PriorityBoost extends Event {
        @Label("Runtime") public String runtime;
        @Label("Goroutines Boosted") public int count;
        @Label("Level") public int level;
    }

    @Name("dev.weft.Deadlock")
    @Label("Deadlock")
    @Category("weft")
    @Description("Every goroutine of a runtime was found asleep for good (Go's \"all goroutines are asleep\").")
    @StackTrace(false)
    public static final class Deadlock extends Event {
        @Label("Runtime") public String runtime;
        @Label("Goroutines") public long goroutines;
        @Label("Dump") public String dump;
    }

    @Name("dev.weft.ProcsChange")
    @Label("Procs Change")
    @Category("weft")
    @Description("The number of logical processors (GOMAXPROCS) changed.")
    @StackTrace(false)
    public static final class ProcsChange extends Event {
        @Label("Runtime") public String runtime;
        @Label("From") public int from;
        @Label("To") public int to;
    }

    @Name("dev.weft.SchedulerStats")
    @Label("Scheduler Statistics")
    @Category("weft")
    @Description("A runtime's scheduler counters, from sysmon once a period (-Dweft.jfr.period, ms; default 1000)"
            + " while a recording enables the event.")
    @StackTrace(false)
    public static final class SchedulerStats extends Event {
        @Label("Runtime") public String runtime;
        @Label("Goroutines") public long goroutines;
        @Label("Procs") public int procs;
        @Label("Idle Procs") public int idleProcs;
        @Label("Threads") public int threads;
        @Label("Spinning Threads") public int spinning;
        @Label("Global Queue") public int globalQueue;
        @Label("Local Queues") public int localQueues;
        @Label("Context Switches") public long switches;
        @Label("Steals") public long steals;
        @Label("Hand-offs") public long handoffs;
        @Label("Retakes") public long retakes;
        @Label("Preemption Requests") public long preemptions;
        @Label("Starvation Boosts") public long boosts;
    }
}
