package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OnceTest {

    @Test
    void runsOnceAndLateCallersWaitForTheFirst() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Once once = new Once();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            int[] effect = {0}; // plain field: published by the Once itself
            Goroutine first = rt.go(() -> once.doOnce(() -> {
                runs.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                effect[0] = 42;
            }));
            awaitTrue(() -> runs.get() == 1);
            AtomicInteger sawEffect = new AtomicInteger();
            List<Goroutine> late = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                late.add(rt.go(() -> {
                    once.doOnce(runs::incrementAndGet);
                    if (effect[0] == 42) {
                        sawEffect.incrementAndGet();
                    }
                }));
            }
            awaitTrue(() -> late.get(0).status().equals("sync.Once.Do"));
            assertThat(once.isDone()).isFalse();
            release.countDown();
            first.join();
            late.forEach(Goroutine::join);
            assertThat(runs.get()).isEqualTo(1);
            assertThat(sawEffect.get()).isEqualTo(50);
            assertThat(once.isDone()).isTrue();
        }
    }

    @Test
    void aThrowingActionStillCountsAsDone() {
        Once once = new Once();
        assertThatThrownBy(() -> once.doOnce(() -> {
            throw new IllegalArgumentException("boom");
        })).hasMessage("boom");
        AtomicInteger runs = new AtomicInteger();
        once.doOnce(runs::incrementAndGet);
        assertThat(runs.get()).isZero();
        assertThat(once.isDone()).isTrue();
    }
}
