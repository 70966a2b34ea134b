package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.SchedConfig;
import dev.weft.sync.WaitGroup;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime's side of synctest bubbles (weft-test has the full suite): a bubble builds its own
 * one-P engine whatever -Dweft.model says, so this class passes in all three executions.
 */
@Timeout(60)
class BubbleTest {
    @Test
    void aBubbleRunsOnVirtualThreadsWhateverTheModel() {
        AtomicReference<Long> seed = new AtomicReference<>();
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        Bubble.Outcome o = Bubble.run(17, () -> Go.go(() -> {
            seed.set(Bubble.current().seed());
            virtual.set(Thread.currentThread().isVirtual()); // not ONE_TO_ONE's kernel threads
        }));
        assertThat(o.failed()).as("%s", o.failure()).isFalse();
        assertThat(seed.get()).isEqualTo(17L);
        assertThat(virtual.get()).as("under -Dweft.model=%s", SchedConfig.defaultModel()).isTrue();
        assertThat(Bubble.current()).isNull();
    }

    @Test
    void fakeClockJumpsOnlyWhenEveryoneIsBlocked() {
        List<Instant> seen = new ArrayList<>();
        Bubble.Outcome o = Bubble.run(5, () -> {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            Go.go(() -> {
                Go.sleep(Duration.ofMinutes(3));
                seen.add(Time.now());
                wg.done();
            });
            wg.await();
            seen.add(Time.now());
        });
        assertThat(o.failed()).as("%s", o.failure()).isFalse();
        assertThat(seen).containsExactly(Instant.parse("2000-01-01T00:03:00Z"), Instant.parse("2000-01-01T00:03:00Z"));
    }

    @Test
    void sameSeedSameTrace() {
        Runnable body = () -> {
            Chan<Integer> c = Chan.make();
            for (int i = 0; i < 3; i++) {
                int v = i;
                Go.go(() -> c.send(v));
            }
            for (int i = 0; i < 3; i++) {
                c.recv();
            }
        };
        for (long seed = 1; seed <= 20; seed++) {
            Bubble.Outcome a = Bubble.run(seed, body);
            Bubble.Outcome b = Bubble.run(seed, body);
            assertThat(b.trace()).isEqualTo(a.trace());
        }
    }

    @Test
    void deadlockIsReportedNotHung() {
        Bubble.Outcome o = Bubble.run(1, () -> Chan.make().recv());
        assertThat(o.failure()).hasMessageContaining("deadlock: all goroutines in bubble are blocked")
                .hasMessageContaining("[chan receive]");
    }

    @Test
    void bubbleChannelsRefuseOutsiders() {
        AtomicReference<Chan<Integer>> leaked = new AtomicReference<>();
        Bubble.run(1, () -> leaked.set(Chan.make(1)));
        assertThatThrownBy(() -> leaked.get().trySend(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send on synctest channel from outside bubble");
        Chan<Integer> plain = Chan.make(1); // an ordinary channel is untouched by all this
        plain.send(1);
        assertThat(plain.recv()).isEqualTo(1);
    }
}
