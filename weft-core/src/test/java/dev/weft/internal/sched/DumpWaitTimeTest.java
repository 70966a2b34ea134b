package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * How long a dump says a goroutine has waited: since the first dump that saw this wait (stamped
 * lazily, as Go's GC does), on the runtime's clock (a fake one here, so that no real time
 * passes). A later wait of the same goroutine starts from its own first dump, under every model.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DumpWaitTimeTest {
    /**
     * Under ONE_TO_ONE the stamp was cleared only when a carrier mounted the goroutine, which a
     * platform thread never needs: its next wait was reported as lasting since the first one's
     * dump.
     */
    @ParameterizedTest
    @EnumSource(Model.class)
    void aLaterWaitIsTimedFromItsOwnFirstDump(Model model) throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        SchedConfig d = SchedConfig.defaults("dump-wait", (g, t) -> t.printStackTrace());
        Sched s = new Sched(new SchedConfig(d.name(), 1, 8, d.uncaughtHandler(), now::get, d.timesliceNanos(), false,
                false, model, 0));
        Chan<Integer> first = Chan.make();
        Chan<Integer> second = Chan.make();
        boolean passed = false;
        try {
            G g = s.go(() -> {
                first.recv();
                second.send(2);
            }, true);
            awaitWait(g, WaitReason.CHAN_RECEIVE);
            now.addAndGet(5_000_000L);
            assertThat(s.dump()).contains("goroutine " + g.id + " [chan receive]"); // stamped now
            now.addAndGet(100_000_000_000L); // 100 s on
            assertThat(s.dump()).contains("goroutine " + g.id + " [chan receive, 100000 milliseconds]");
            first.send(1);
            awaitWait(g, WaitReason.CHAN_SEND);
            assertThat(s.dump()).as("the send's wait has just been seen first")
                    .contains("goroutine " + g.id + " [chan send]");
            assertThat(second.recv()).isEqualTo(2);
            passed = true;
        } finally {
            if (!passed) { // let the goroutine end (its send fails) so that the close returns
                first.close();
                second.close();
            }
            s.close();
        }
    }

    /** Waits (spinning on the goroutine's state, no sleep) until {@code g} waits for {@code reason}. */
    private static void awaitWait(G g, WaitReason reason) {
        while (!(g.isWaiting() && g.waitReason() == reason)) {
            Thread.onSpinWait();
        }
    }
}
