package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Goroutine.State.DEAD} is "its body has returned or thrown". A goroutine whose body had
 * returned read RUNNING until its thread ended: here its thread is held after the body, where
 * the last thread of a process hands the process's end to a thread of its own
 * ({@code WeftProcess.endThreads}, the test's factory, waits on a latch).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoroutineStateAtExitTest {

    @Test
    void aGoroutineWhoseBodyReturnedIsDeadWhileItsThreadFinishes() throws Exception {
        ThreadFactory real = WeftProcess.endThreads;
        CountDownLatch exiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WeftProcess.endThreads = r -> {
            exiting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return real.newThread(r);
        };
        try (Weft rt = Weft.builder().build()) {
            CountDownLatch go = new CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("state-at-exit").start(rt, () -> {
                try {
                    go.await(); // the test holds the handle before the body returns
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Goroutine primary = p.primary();
            go.countDown();
            try {
                assertThat(exiting.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(primary.thread().isAlive()).as("its thread, in its exit path").isTrue();
                assertThat(primary.state()).isEqualTo(Goroutine.State.DEAD);
            } finally {
                release.countDown();
            }
            assertThat(p.waitFor()).isZero();
            primary.join();
            assertThat(primary.state()).isEqualTo(Goroutine.State.DEAD);
        } finally {
            WeftProcess.endThreads = real;
        }
    }
}
