package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sysmon's per-P judgement of "the goroutine holding this carrier" (its hold time, its CPU marks
 * {@code seenCpu} and {@code heldCpuFrom}, its preemption request) is reset when the P's switch
 * count moves. A goroutine leaving a blocking call whose P was handed off takes an idle P
 * ({@code Sched.acquirep}) with no switch: without more, it inherits what sysmon last noted on
 * that P for another goroutine on another carrier. Its hog retake then compared its own
 * carrier's CPU time with the other carrier's ({@code ranASlice}), and a carrier with less CPU
 * history than that one was never judged to have run a slice: the hog kept the P.
 *
 * <p>The test is sysmon: the runtime's own monitor is stopped, and the test calls
 * {@link Sysmon#retake} with clock times of its choosing, waiting for real CPU time between the
 * looks (thread CPU time, no sleeps).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SysmonCarrierChangeTest {
    private static final long SLICE = 50_000_000L;
    private static final long MS = 1_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static volatile CountDownLatch pinned;
    static volatile CountDownLatch release;
    static volatile boolean aStop;
    static volatile boolean hogStop;

    /** qsort's comparator: the first call parks with qsort's native frame below it (its carrier blocks). */
    static int compare(MemorySegment a, MemorySegment b) {
        if (pinned.getCount() > 0) {
            pinned.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return Integer.compare(a.get(ValueLayout.JAVA_INT, 0), b.get(ValueLayout.JAVA_INT, 0));
    }

    private static long cpu(P p) {
        M m = p.m;
        return m == null ? -1 : THREADS.getThreadCpuTime(m.threadId());
    }

    private static P running(Sched s, G g) {
        for (P p : s.allp()) {
            M m = p.m;
            if (p.status == P.RUNNING && m != null && m.curg == g) {
                return p;
            }
        }
        return null;
    }

    private static void awaitCpu(P p, long atLeast) {
        awaitTrue(() -> cpu(p) >= atLeast);
    }

    @Test
    void aGoroutineThatTakesAnIdlePOutOfABlockingCallIsJudgedByItsOwnCarrier() throws Throwable {
        assertThat(THREADS.isThreadCpuTimeSupported()).as("the test needs per-thread CPU time").isTrue();
        pinned = new CountDownLatch(1);
        release = new CountDownLatch(1);
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        SchedConfig d = SchedConfig.defaults("carrier-change", (g, t) -> uncaught.add(t));
        Sched s = new Sched(new SchedConfig(d.name(), 2, 64, d.uncaughtHandler(), d.clock(), SLICE, false, false,
                Model.M_N, d.starvationBoostNanos()));
        CountDownLatch resumed = new CountDownLatch(1);
        CountDownLatch aPark = new CountDownLatch(1);
        aStop = false;
        hogStop = false;
        G a = null;
        G hog = null;
        try (Arena arena = Arena.ofShared()) {
            s.sysmon.shutdown();
            Sysmon mon = new Sysmon(s); // never started: the test calls its retake
            Linker linker = Linker.nativeLinker();
            MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS));
            MemorySegment cmp = linker.upcallStub(MethodHandles.lookup().findStatic(SysmonCarrierChangeTest.class,
                    "compare", MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class)),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                            ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT)), arena);
            MemorySegment ints = arena.allocateFrom(ValueLayout.JAVA_INT, 3, 1, 2);

            // The hog-to-be blocks its carrier inside a blocking call: its P is SYSCALL.
            hog = s.go(() -> {
                try {
                    Syscalls.blocking(() -> {
                        try {
                            qsort.invokeExact(ints, 3L, 4L, cmp);
                        } catch (Throwable t) {
                            throw new AssertionError(t);
                        }
                        return null;
                    });
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                resumed.countDown();
                while (!hogStop) { // no safe point: only a retake takes its P
                    Thread.onSpinWait();
                }
            }, true);
            assertThat(pinned.await(30, TimeUnit.SECONDS)).isTrue();
            P blockedP = null;
            for (P p : s.allp()) {
                if (p.status == P.SYSCALL) {
                    blockedP = p;
                }
            }
            assertThat(blockedP).as("the blocking call's P").isNotNull();
            long blockedCarrierCpu = cpu(blockedP);

            // A, on the other P and another carrier, runs up CPU time and is seen twice by sysmon.
            a = s.go(() -> {
                while (!aStop) {
                    Thread.onSpinWait();
                }
                try {
                    aPark.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, true);
            G ga = a;
            awaitTrue(() -> running(s, ga) != null);
            P pa = running(s, ga);
            awaitCpu(pa, blockedCarrierCpu + 800 * MS);
            long t = s.nanoTime();
            mon.retake(t, false);
            mon.retake(t, false);
            assertThat(pa.heldCpuFrom).as("sysmon noted A's carrier's CPU").isGreaterThanOrEqualTo(blockedCarrierCpu + 800 * MS);
            t += 11 * MS;
            mon.retake(t, false); // the blocking call has lasted: its P is handed off
            P handedOff = blockedP;
            // Idle before A's P (an M may spin with it first): the idle list is LIFO, so the call
            // returning later takes A's P.
            awaitTrue(() -> handedOff.status == P.IDLE);

            // A parks: its P goes idle with sysmon's notes on A; then the call returns and takes it.
            aStop = true;
            awaitTrue(() -> pa.status == P.IDLE);
            release.countDown();
            assertThat(resumed.await(30, TimeUnit.SECONDS)).isTrue();
            G gh = hog;
            awaitTrue(() -> running(s, gh) != null);
            assertThat(running(s, gh)).as("the call took the P A left idle, with no switch").isSameAs(pa);

            // The hog runs; at each look its carrier has run more than a slice since the last.
            for (int look = 0; look < 4 && s.allp()[pa.id] == pa; look++) {
                awaitCpu(pa, cpu(pa) + SLICE + 20 * MS);
                t += 60 * MS;
                mon.retake(t, false);
            }
            assertThat(s.allp()[pa.id]).as("the hog, whose own carrier ran slices, lost its P").isNotSameAs(pa);
            assertThat(uncaught).isEmpty();
        } finally {
            aStop = true;
            hogStop = true;
            release.countDown();
            aPark.countDown();
            for (G g : new G[] {a, hog}) {
                if (g != null) {
                    g.thread().join(30_000);
                }
            }
            s.close();
        }
    }
}
