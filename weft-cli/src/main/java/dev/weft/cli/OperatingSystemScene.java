package dev.weft.cli;

import dev.weft.ContextSwitches;
import dev.weft.Go;
import dev.weft.PriorityClass;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.pool.PoolStats;
import dev.weft.pool.ThreadPool;
import dev.weft.proc.ExitRecord;
import dev.weft.proc.ProcessStats;
import dev.weft.proc.WeftProcess;
import dev.weft.sync.Once;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's "operating system" scene: two processes of different priority classes share the
 * processors of one runtime under the PRIORITY policy. Each runs CPU-bound threads that reach a
 * safe point every few microseconds of work, and owns a few handles. The HIGH one is interactive:
 * its threads sleep after each burst, and stop on their own at the deadline (the process ends with
 * its last thread, code 0); the BELOW_NORMAL one computes without a pause in the gaps and is
 * terminated afterwards (its threads unwind at their next safe point). The table shows what each
 * process got: run time on the carriers and its share, context switches by reason, the handles
 * its end closed, and the exit code. The HIGH process also runs a thread pool of its own: its
 * timer callbacks redraw a clock every few milliseconds, and its wait callbacks handle the events
 * the process's threads post after each burst; the process shuts the pool down when its threads
 * are done and the pool has had its first tick and event, so that it can end with its last
 * thread. Each thread does one burst at least, so the scene's outcome does not depend on how long
 * the processes took to start.
 */
final class OperatingSystemScene {
    private OperatingSystemScene() {}

    /** Exit code the scene terminates the low-priority process with (128 + SIGTERM, by habit). */
    static final int TERMINATED = 143;

    /** How long the HIGH process's threads pause after each burst of work. */
    static final Duration PAUSE = Duration.ofMillis(1);

    /** The period of the HIGH process's pool's timer callback. */
    static final Duration TICK = Duration.ofMillis(5);

    /** One row of the table; the pool's figures only for the process that has one. */
    record Row(String name, PriorityClass cls, int threads, ProcessStats stats, long work, int handlesClosed,
               ExitRecord exit, PoolFigures pool) {}

    /** What the HIGH process's thread pool did. */
    record PoolFigures(String name, long ticks, long events, PoolStats stats) {}

    static List<Row> run(int procs, Duration length) {
        int threadsEach = 2 * procs;
        List<Row> rows = new ArrayList<>();
        try (Weft rt = Weft.builder().procs(procs).policy(SchedulingPolicy.PRIORITY).name("os").build()) {
            long deadline = System.nanoTime() + length.toNanos();
            Proc high = start(rt, "ui", PriorityClass.HIGH, threadsEach, deadline, PAUSE, true);
            Proc low = start(rt, "batch", PriorityClass.BELOW_NORMAL, threadsEach, Long.MAX_VALUE, Duration.ZERO, false);
            high.process.waitFor();
            low.started.await(); // its handles are open: the terminate below closes them
            low.process.terminate(TERMINATED);
            low.process.waitFor();
            for (Proc p : List.of(high, low)) {
                rows.add(new Row(p.process.name(), p.process.priorityClass(), threadsEach, p.process.stats(),
                        p.work.sum(), p.closed.get(), p.process.exitRecord().orElseThrow(), p.pool.get()));
            }
            check(rows, rt);
        }
        return rows;
    }

    /** The scene's own check, as every demo workload has: each process ended as it should, with nothing left. */
    private static void check(List<Row> rows, Weft rt) {
        Row ui = rows.get(0);
        Row batch = rows.get(1);
        if (ui.exit().code() != 0 || ui.exit().reason() != ExitRecord.Reason.LAST_THREAD_ENDED
                || batch.exit().code() != TERMINATED || batch.exit().reason() != ExitRecord.Reason.TERMINATED
                || ui.handlesClosed() != 3 || batch.handlesClosed() != 3 || !rt.processes().isEmpty()
                || ui.pool() == null || ui.pool().ticks() == 0 || ui.pool().events() == 0
                || ui.pool().stats().failed() != 0 || ui.pool().stats().workers() != 0
                || rt.goroutineCount() != 0) {
            throw new IllegalStateException("weft demo: the operating-system scene ended wrongly: " + rows
                    + ", live processes " + rt.processes() + ", goroutines " + rt.goroutineCount());
        }
    }

    /**
     * A started process and what the scene counts of it; {@code started} is done once its main
     * has opened its handles and started its threads.
     */
    private record Proc(WeftProcess process, LongAdder work, AtomicInteger closed, AtomicReference<PoolFigures> pool,
                        WaitGroup started) {}

    private static Proc start(Weft rt, String name, PriorityClass cls, int threads, long deadline, Duration pause,
                              boolean withPool) {
        LongAdder work = new LongAdder();
        AtomicInteger closed = new AtomicInteger();
        AtomicReference<PoolFigures> poolFigures = new AtomicReference<>();
        WaitGroup started = new WaitGroup();
        started.add(1);
        WeftProcess p = WeftProcess.builder(name).priorityClass(cls).env(Map.of("ROLE", name)).start(rt, () -> {
            WeftProcess self = WeftProcess.current();
            for (int h = 0; h < 3; h++) { // a log, a cache, a socket: closed by the process's end
                self.handles().open(closed::incrementAndGet);
            }
            if (!withPool) {
                for (int i = 0; i < threads; i++) {
                    Go.go(() -> worker(deadline, pause, work, null));
                }
                started.done();
                return;
            }
            // The pool is the process's: its workers are threads of this process, at its class.
            ThreadPool pool = ThreadPool.builder(name + "-io").minWorkers(1).maxWorkers(2).build(rt);
            LongAdder ticks = new LongAdder();
            LongAdder events = new LongAdder();
            // The pool's first tick and first event: the process keeps its pool until both have
            // come, however short the scene (or slow the start: the deadline may pass before a
            // thread has begun), so the figures the check asks for never depend on timing.
            WaitGroup firsts = new WaitGroup();
            firsts.add(2);
            Once firstTick = new Once();
            Once firstEvent = new Once();
            Chan<Long> posted = Chan.make(64);
            pool.scheduleAtFixedRate(() -> {
                ticks.increment();
                firstTick.doOnce(firsts::done);
            }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
            pool.onReceive(posted, e -> {
                events.increment();
                firstEvent.doOnce(firsts::done);
            });
            WaitGroup workers = new WaitGroup();
            for (int i = 0; i < threads; i++) {
                workers.go(() -> worker(deadline, pause, work, posted));
            }
            started.done();
            workers.await();
            firsts.await();
            pool.shutdown(); // the process ends with its last thread: the pool's too
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poolFigures.set(new PoolFigures(pool.name(), ticks.sum(), events.sum(), pool.stats()));
        });
        return new Proc(p, work, closed, poolFigures, started);
    }

    /**
     * Computes in units with a safe point after each; after every 64 units, posts an event (if
     * given a channel) and pauses (an interactive thread) or not. One burst at least, even past
     * the deadline: a thread that began late still posts its event (the first one always finds
     * room in the channel).
     */
    private static void worker(long deadline, Duration pause, LongAdder work, Chan<Long> events) {
        long x = 1;
        do {
            for (int unit = 0; unit < 64; unit++) {
                for (int j = 0; j < 2_000; j++) {
                    x += Long.numberOfTrailingZeros(x + j) + 1;
                }
                work.increment();
                Go.checkpoint(); // a safe point: slices end and the process's end reach the thread here
            }
            if (events != null) {
                events.trySend(work.sum()); // handled by the pool's wait callback; dropped when it lags
            }
            if (!pause.isZero()) {
                Go.sleep(pause); // waits for input, say: its processor is free meanwhile
            }
        } while (System.nanoTime() < deadline);
        SINK.add(x); // the JIT cannot drop the work
    }

    private static final LongAdder SINK = new LongAdder();

    static void print(List<Row> rows, int procs, Duration length) {
        System.out.printf("operating system: two processes share %d processors for %d ms under the PRIORITY policy, "
                + "%d threads each,%n3 handles each. 'ui' (HIGH) computes in bursts and sleeps %d ms after each; it ends "
                + "with its last thread.%n'batch' (BELOW_NORMAL) computes without a pause; it is terminated with code %d "
                + "when 'ui' has ended.%n", procs, length.toMillis(), rows.get(0).threads(), PAUSE.toMillis(), TERMINATED);
        System.out.printf("%-9s %-13s %8s %7s %7s %9s %9s %7s %7s %7s %8s %5s  %s%n", "process", "class", "run ms",
                "share", "work", "switches", "slice end", "prio", "wait", "exit", "handles", "code", "how it ended");
        long total = 0;
        for (Row r : rows) {
            total += r.stats().runTime().toNanos();
        }
        for (Row r : rows) {
            ContextSwitches s = r.stats().switches();
            long ns = r.stats().runTime().toNanos();
            System.out.printf("%-9s %-13s %8d %6.1f%% %7d %9d %9d %7d %7d %7d %8d %5d  %s%n", r.name(), r.cls(),
                    ns / 1_000_000, total == 0 ? 0.0 : 100.0 * ns / total, r.work(), s.total(), s.sliceEnds(),
                    s.preemptions(), s.waits(), s.exits(), r.handlesClosed(), r.exit().code(), r.exit().reason());
        }
        System.out.println("run ms: time the process's goroutines spent on carriers; work: units of 2,000 steps done;");
        System.out.println("switches by reason: its time slice ended, a higher-priority goroutine took its carrier (prio),");
        System.out.println("it waited (ui's sleeps), its thread ended; handles: closed by the process's end, newest first.");
        System.out.println("'batch' runs in the gaps 'ui' leaves and gives way whenever a 'ui' thread wakes.");
        for (Row r : rows) {
            if (r.pool() != null) {
                PoolFigures f = r.pool();
                System.out.printf("thread pool '%s' of '%s': %d timer callbacks (every %d ms), %d wait callbacks (events "
                        + "its threads posted), %d tasks completed, %d failed; shut down by the process before it ended.%n",
                        f.name(), r.name(), f.ticks(), TICK.toMillis(), f.events(), f.stats().completed(),
                        f.stats().failed());
            }
        }
    }
}
