package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ThreadPool#shutdownNow} against the manager moving due timer tasks, the race behind
 * {@code PoolStressTest.timerAndWaitCallbacksAgainstShutdownNow}'s rare hang (see
 * docs/notes/flakes.md). With an onReceive registration armed, shutdownNow sets STOP and then
 * waits on {@code selectDone} for the manager's Select, with the lock released and the delay
 * queue not yet drained. The manager, back from that Select, moves the tasks that are due by now
 * to the work queue and promises them to idle workers (popped off the idle stack); with the
 * delay queue then empty and the pool stopping, it ends, and used to end without sending those
 * workers their wake tokens. shutdownNow then found no idle worker to wake, and the popped ones
 * stayed parked for ever (a minWorkers worker) or for their keep-alive: the pool never
 * terminated in time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownNowRaceTest {
    private static final long LONG_DELAY_MS = 10_000;

    /**
     * Each round stops the pool just as its timer tasks fall due, while the manager waits in a
     * Select with a receive case: the pool terminates, and every task ran or was returned, once.
     * Before the fix most runs hung within a few rounds, under every threading model.
     */
    @Test
    void tasksFallingDueWhileShutdownNowWaitsForTheManagerDoNotStrandIdleWorkers() throws Exception {
        for (int round = 0; round < 200; round++) {
            Weft rt = Weft.builder().name("stop-race").procs(2).build();
            ThreadPool p = ThreadPool.builder("stop-race-" + round).minWorkers(2).maxWorkers(2).build(rt);
            // A registration on a channel nobody sends to: the manager's Select has a receive
            // case, so shutdownNow must wait for that Select to end (the window of the race).
            p.onReceive(Chan.<Integer>make(1), v -> {});
            awaitTrue(() -> idleAndSelecting(p));
            Map<ScheduledFuture<?>, AtomicInteger> runs = new IdentityHashMap<>();
            List<ScheduledFuture<?>> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                AtomicInteger n = new AtomicInteger();
                ScheduledFuture<?> f = p.schedule(n::incrementAndGet, 1, MILLISECONDS);
                runs.put(f, n);
                order.add(f);
            }
            ScheduledFuture<?> last = order.getLast();
            awaitTrue(() -> last.getDelay(NANOSECONDS) <= 0); // every task is due: stop now
            List<Runnable> returned = p.shutdownNow();
            int r = round;
            boolean terminated = p.awaitTermination(LONG_DELAY_MS, MILLISECONDS);
            // On a hang the runtime is left open: its close would wait for the stranded workers.
            assertThat(terminated).as(() -> "round " + r + " terminated: " + p + "\n" + rt.dump()).isTrue();
            for (Map.Entry<ScheduledFuture<?>, AtomicInteger> e : runs.entrySet()) {
                int back = returned.contains(e.getKey()) ? 1 : 0;
                assertThat(e.getValue().get() + back).as("a due task ran or was returned, once").isEqualTo(1);
            }
            rt.close();
        }
    }

    /** Both workers are on the idle stack and the manager is in (or entering) its Select. */
    private static boolean idleAndSelecting(ThreadPool p) {
        p.lockUncancellable();
        try {
            return p.workers == 2 && p.promised == 0 && p.managerSelecting;
        } finally {
            p.lock.unlock();
        }
    }
}
