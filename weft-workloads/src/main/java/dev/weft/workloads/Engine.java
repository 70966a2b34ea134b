package dev.weft.workloads;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a workload runs on: the handful of operations every workload needs (start and join a
 * task, fork a value, hand values over a pipe, yield, sleep, a safe point), each done the way
 * one peer does it idiomatically. {@link Workloads} is written once against this interface, so
 * every peer runs the same algorithm and only the threading primitives differ.
 *
 * <p>Invariants every implementation keeps: {@link #run} and {@link #runOnPlatformThread} wait
 * for their main and then rethrow the first exception that escaped any task of the engine since
 * it was built (a failure is never a number); every other method but {@link #close} is called
 * from inside a task of this engine, or from the platform thread inside
 * {@link #runOnPlatformThread}; an engine is used by one workload run at a time.
 */
public interface Engine extends AutoCloseable {

    /** A started task that can be waited for. */
    interface Task {
        void join();

        /** The thread that runs the task, for workloads that park and unpark it directly. */
        Thread thread();
    }

    /** A forked computation whose value can be waited for (fork-join). */
    interface Forked<T> {
        T join();
    }

    /**
     * A blocking pipe of values between tasks: a weft {@code Chan}, or the JDK class
     * {@link JdkEngine} names for it.
     */
    interface Pipe {
        /** Blocks until the value is taken (unbuffered) or buffered. */
        void put(Object v);

        /** Blocks until a value comes; null once {@link #closeFor} has ended the stream. */
        Object take();

        /** Ends the stream for {@code consumers} consumers (a channel closes; a queue gets one poison value each). */
        void closeFor(int consumers);
    }

    /** Runs {@code main} as a task of this engine, waits for it and rethrows what any task threw. */
    void run(Runnable main);

    /**
     * Runs {@code main} on the calling platform thread, not as a task: the tasks it starts are
     * started from outside the engine, as a program's main thread starts them (weft queues
     * those globally rather than on the starter's processor). Waits for {@code main}, then
     * rethrows what any task threw.
     */
    void runOnPlatformThread(Runnable main);

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
