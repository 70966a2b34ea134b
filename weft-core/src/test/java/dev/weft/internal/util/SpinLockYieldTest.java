package dev.weft.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SpinLock's long waits, which yield the waiter's processor to the kernel ({@link OsYield}): the
 * lock still excludes, nobody is stranded, and a goroutine that yields so stays mounted.
 */
class SpinLockYieldTest {

    @Test
    void theKernelYieldIsReachableWhereTheBuildEnablesNativeAccess() {
        // The build passes --enable-native-access (weft.jvmFlags); on Linux the downcall must
        // then be there, or every waiter would spin as before and nothing here would say so.
        OsYield.initialize(); // what each runtime's sysmon does as it starts
        if (System.getProperty("os.name", "").equals("Linux")) {
            assertThat(OsYield.available()).isTrue();
        }
        OsYield.yieldProcessor(); // returns, from a platform thread
        OsYield.initialize(); // again: a no-op
        assertThat(OsYield.available()).isEqualTo(System.getProperty("os.name", "").equals("Linux"));
    }

    /**
     * More threads than processors, goroutines and platform threads together, each taking the
     * lock many times around a plain (unsynchronised) increment, and each holding it long
     * enough now and then that the others pass {@link SpinLock#SPINS_BEFORE_YIELD} spins and
     * yield. A lost exclusion shows as a lost increment; a waiter that a yield strands, as a
     * timeout.
     */
    @Test
    @Timeout(120)
    void waitersThatYieldStillExcludeEachOtherAndAllGetTheLock() throws Exception {
        SpinLock lock = new SpinLock();
        long[] counter = new long[1];
        int perThread = 20_000;
        int goroutines = 6;
        int platforms = 3;
        CountDownLatch start = new CountDownLatch(1);
        try (Weft rt = Weft.builder().procs(2).build()) {
            Runnable body = () -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < perThread; i++) {
                    lock.lock();
                    try {
                        counter[0]++;
                        if (i % 64 == 0) {
                            for (int k = 0; k < 2_000; k++) {
                                Thread.onSpinWait(); // a long section: the waiters go on to yield
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            };
            List<dev.weft.Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < goroutines; i++) {
                gs.add(rt.go(body));
            }
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < platforms; i++) {
                ts.add(Thread.ofPlatform().start(body));
            }
            start.countDown();
            for (dev.weft.Goroutine g : gs) {
                assertThat(g.join(java.time.Duration.ofSeconds(100))).isTrue();
            }
            for (Thread t : ts) {
                assertThat(t.join(java.time.Duration.ofSeconds(100))).isTrue();
            }
        }
        assertThat(counter[0]).isEqualTo((long) perThread * (goroutines + platforms));
        assertThat(lock.held).isZero();
    }

    /** A goroutine's carrier is the same before and after a wait long enough to yield: no unmount. */
    @Test
    @Timeout(60)
    void aGoroutineThatYieldsItsProcessorKeepsItsCarrier() throws Exception {
        SpinLock lock = new SpinLock();
        CountDownLatch waiting = new CountDownLatch(1);
        try (Weft rt = Weft.builder().procs(1).build()) {
            lock.lock();
            Thread[] carriers = new Thread[2];
            dev.weft.Goroutine g = rt.go(() -> {
                carriers[0] = dev.weft.internal.vm.VirtualThreads.currentCarrierThread();
                waiting.countDown();
                lock.lock(); // spins, then yields the processor until the holder lets go
                carriers[1] = dev.weft.internal.vm.VirtualThreads.currentCarrierThread();
                lock.unlock();
            });
            assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
            // Hold on until the waiter has certainly spun past the yield threshold: its carrier's
            // CPU time grows while it waits (a yield is a system call on a running thread).
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(carriers[0].threadId());
            while (mx.getThreadCpuTime(carriers[0].threadId()) - cpu0 < 20_000_000) {
                Thread.onSpinWait();
            }
            lock.unlock();
            assertThat(g.join(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(carriers[1]).isSameAs(carriers[0]);
        }
    }
}
