package dev.weft.workloads;

/**
 * One contender of {@code weft bench}: a weft configuration or JDK threads in this JVM
 * ({@link JvmPeer}), or Go in a child process (weft-cli's {@code GoPeer}). The bench runs
 * every applicable peer on a workload in turn, once per round, so that whatever disturbs the
 * machine during a round disturbs them all.
 */
public interface Peer {
    /** The command-line name: {@code weft}, {@code vthread}, {@code go}, ... */
    String id();

    /** The name in the table and the chart. */
    String label();

    /** Whether the peer runs {@code w} at all (a one-processor model does not run procs-2 workloads). */
    boolean applies(Workload w);

    /** Whether every task is an OS thread, so the peer runs capped sizes ({@link Sizes#cappedAt}). */
    boolean osThreads();

    /** Runs {@code w} once at {@code s} and returns its reported value ({@link Workload#value}). */
    double measure(Workload w, Sizes s);
}
