package dev.weft.cli.bench;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a workload runs on: the handful of operations every workload needs (start and join a
 * task, fork a value, hand values over a pipe, yield, sleep, a safe point), each done the way
 * one peer does it idiomatically. {@link Workloads} is written once against this interface, so
 * every peer runs the same algorithm and only the threading primitives differ.
 *
 * <p>All methods but {@link #run} and {@link #close} are called from inside a task of this
 * engine (the main task or one it started).
 */
interface Engine extends AutoCloseable {

    /** A started task that can be waited for. */
    interface Task {
        void join();
    }

    /** A forked computation whose value can be waited for (fork-join). */
    interface Forked<T> {
        T join();
    }

    /**
     * A blocking pipe of values between tasks: a weft {@code Chan}, or the nearest JDK queue
     * ({@code SynchronousQueue} unbuffered, {@code ArrayBlockingQueue} buffered).
     */
    interface Pipe {
        /** Blocks until the value is taken (unbuffered) or buffered. */
        void put(Object v);

        /** Blocks until a value comes; null once {@link #closeFor} has ended the stream. */
        Object take();

        /** Ends the stream for {@code consumers} consumers (a channel closes; a queue gets one poison value each). */
        void closeFor(int consumers);
    }

    /** Runs {@code main} as a task of this engine, waits for it and rethrows what it threw. */
    void run(Runnable main);

    Task start(Runnable body);

    /**
     * Starts a task at a priority from 0 (lowest) to 31 (highest); engines without priorities
     * start it like any other task, so the workload runs unprioritised there.
     */
    default Task start(int priority, Runnable body) {
        return start(body);
    }

    <T> Forked<T> fork(Supplier<T> body);

    Pipe unbuffered();

    Pipe buffered(int capacity);

    void yieldNow();

    void sleep(Duration d);

    /** A point where a CPU loop lets the scheduler preempt it; nothing where the OS or nobody preempts. */
    void safePoint();

    @Override
    void close();
}
