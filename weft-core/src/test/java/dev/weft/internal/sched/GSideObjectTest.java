package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.SchedTestSupport.Recorded;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * G's side object ({@link G.Rare}, G's "Size"): what only some goroutines need lives there, made
 * on first need. A goroutine that spawns, parks on a channel, yields and ends never makes one (a
 * field of those paths moved there would cost every such goroutine a second object); the ones
 * that need it (a failure, a sleep, a main goroutine) find their state there. The G's compact
 * fields (a byte status, the wait reason's ordinal, the kind bits) read back what was stored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GSideObjectTest {

    @Test
    void aGoroutineThatParksOnAChannelYieldsAndEndsMakesNoSideObject() throws Exception {
        try (Recorded r = new Recorded(2)) {
            Chan<Integer> ch = Chan.make();
            CountDownLatch made = new CountDownLatch(1);
            @SuppressWarnings("unchecked")
            Chan<Integer>[] box = new Chan[1];
            G receiver = r.go(() -> {
                box[0] = Chan.make(); // made by a goroutine: the runtime's deadlock detection trusts it
                made.countDown();
                Thread.yield();
                int v = box[0].recv();
                ch.send(v + 1);
            });
            made.await();
            awaitTrue(() -> receiver.status == GStatus.WAITING);
            assertThat(receiver.waitReason()).isEqualTo(WaitReason.CHAN_RECEIVE);
            assertThat(receiver.statusText()).isEqualTo("chan receive");
            G sender = r.go(() -> box[0].send(41));
            assertThat(ch.recv()).isEqualTo(42);
            r.join(receiver);
            r.join(sender);
            assertThat(receiver.rareOrNull()).as("side object of a goroutine that parked, yielded and ended").isNull();
            assertThat(sender.rareOrNull()).as("side object of a goroutine that sent and ended").isNull();
            assertThat(receiver.failure()).isNull();
            assertThat(receiver.waitReason()).isEqualTo(WaitReason.NONE);
            assertThat(receiver.adopted()).isFalse();
            assertThat(receiver.kernelThread()).isFalse();
            assertThat(r.uncaught).isEmpty();
        }
    }

    @Test
    void aFailureIsKeptInTheSideObjectAndReported() throws Exception {
        try (Recorded r = new Recorded(1)) {
            IllegalStateException boom = new IllegalStateException("boom");
            G g = r.go(() -> {
                throw boom;
            });
            r.join(g);
            assertThat(g.failure()).isSameAs(boom);
            assertThat(g.rareOrNull()).isNotNull();
            awaitTrue(() -> !r.uncaught.isEmpty()); // the handler runs on the goroutine's thread before it ends
            assertThat(r.uncaught).containsExactly(boom);
        }
    }

    @Test
    void aSleepersTimerLivesInTheSideObjectUntilItEnds() throws Exception {
        try (Recorded r = new Recorded(1)) {
            CountDownLatch slept = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            G g = r.go(() -> {
                Go.sleep(Duration.ofMillis(1));
                slept.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            slept.await();
            assertThat(g.rareOrNull()).isNotNull();
            assertThat(g.rareOrNull().sleepTimer).as("the timer kept for the next sleep").isNotNull();
            release.countDown();
            r.join(g);
            assertThat(g.rareOrNull().sleepTimer).as("dropped at exit").isNull();
            assertThat(g.failure()).isNull();
        }
    }

    @Test
    void aMainGoroutineKnowsItsWaiter() throws Exception {
        try (Recorded r = new Recorded(1)) {
            CountDownLatch release = new CountDownLatch(1);
            G main = r.sched.goMain(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(main.mainWaiter()).isSameAs(Thread.currentThread());
            assertThat(main.deadlockDump()).isNull();
            G plain = r.go(() -> { });
            r.join(plain);
            assertThat(plain.mainWaiter()).isNull();
            release.countDown();
            assertThat(r.sched.awaitMain(main)).isNull();
            assertThat(main.bodyDone).isTrue();
        }
    }
}
