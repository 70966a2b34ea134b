package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.proc.WeftProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Joins}' protocol, one interleaving at a time, on a G that no runtime runs: the test plays
 * its end (the DEAD mark, then {@link Joins#exited}) before the side object exists, with an empty
 * stack, and after the joiners have pushed (the race of a push against the end is
 * {@code JoinTest}'s stress). The G's
 * thread is the test's own, so it stays alive and the joiner never takes the early return. A
 * joiner that misses the end parks for ever, which the timeout reports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JoinsProtocolTest {

    /** A runtime the detached Gs name as theirs (none of them is queued or counted in it). */
    private static final SchedTestSupport.Recorded RUNTIME = new SchedTestSupport.Recorded(1);

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    /** A G whose thread is alive (the caller's) and that nothing schedules. */
    private static G detached() {
        return new G(RUNTIME.sched, 1, 0, Thread.currentThread(), G.DEFAULT_PRIORITY);
    }

    private static void end(G g) {
        assertThat(g.casStatus(GStatus.IDLE, GStatus.DEAD)).isTrue();
        Joins.exited(g);
    }

    @Test
    void anEndWithNoJoinerMakesNoSideObject() {
        G g = detached();
        end(g);
        assertThat(g.rareOrNull()).as("one volatile read, no allocation, when nobody joined").isNull();
    }

    @Test
    void anEndThatLookedBeforeTheSideObjectExistedIsSeenByTheJoinersRecheck() {
        G g = detached();
        end(g); // found no side object: took nobody
        Joins.join(g); // pushes onto a stack nobody will take; must return on its re-check
        assertThat(g.rareOrNull()).isNotNull();
        assertThat(Joins.JOINERS.getVolatile(g.rareOrNull())).as("the joiner's node, left behind").isNotNull();
    }

    @Test
    void anEndThatFoundAnEmptyStackIsSeenByTheJoinersRecheck() {
        G g = detached();
        g.rare();
        end(g); // found the side object with an empty stack: took nobody, left no mark
        assertThat(Joins.JOINERS.getVolatile(g.rare())).isNull();
        Joins.join(g);
    }

    @Test
    void parkedJoinersAreAllSignalledByTheEndAndLaterJoinersFindTheMark() throws Exception {
        G g = detached();
        List<Thread> joiners = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            joiners.add(Thread.ofPlatform().start(() -> Joins.join(g)));
        }
        awaitTrue(() -> g.rareOrNull() != null && stackSize(g) == 4); // every joiner's node pushed
        end(g);
        for (Thread t : joiners) {
            t.join();
        }
        Object mark = Joins.JOINERS.getVolatile(g.rare());
        assertThat(mark).as("the end left its mark").isNotNull();
        Joins.join(g); // finds the mark: returns without pushing
        assertThat(Joins.JOINERS.getVolatile(g.rare())).isSameAs(mark);
    }

    /**
     * Joiners whose process ends leave the stack of a goroutine that lives on: taken off the top
     * as they leave, unlinked from below a joiner that stays, or dropped by the next push, so
     * their nodes do not pile up.
     */
    @Test
    void joinersWhoseProcessEndsDoNotPileUpOnAGoroutineThatLivesOn() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> release = Chan.make();
            Goroutine target = rt.go(release::recv);
            G g = gOf(target);
            for (int i = 0; i < 200; i++) {
                WeftProcess p = WeftProcess.builder("joiner-" + i).start(rt, target::join);
                awaitTrue(() -> !p.threads().isEmpty() && p.threads().get(0).state() == Goroutine.State.WAITING);
                p.terminate(1);
                assertThat(p.waitFor()).isEqualTo(1);
            }
            // Overlapping: each joiner's process ends while the next one is parked above it, so
            // its node is never on top when it leaves.
            WeftProcess previous = null;
            for (int i = 0; i < 200; i++) {
                WeftProcess p = WeftProcess.builder("overlapping-" + i).start(rt, target::join);
                awaitTrue(() -> !p.threads().isEmpty() && p.threads().get(0).state() == Goroutine.State.WAITING);
                if (previous != null) {
                    previous.terminate(1);
                    assertThat(previous.waitFor()).isEqualTo(1);
                }
                previous = p;
            }
            previous.terminate(1);
            assertThat(previous.waitFor()).isEqualTo(1);
            int left = stackSize(g);
            Goroutine last = rt.go(target::join); // the stack still works for a joiner that stays
            awaitTrue(() -> last.state() == Goroutine.State.WAITING);
            release.send(1); // before the assertions: a failed one must not leave close() waiting
            last.join();
            assertThat(target.state()).isEqualTo(Goroutine.State.DEAD);
            assertThat(left).as("nodes left by 400 joiners that left").isLessThanOrEqualTo(2);
        }
    }

    private static G gOf(Goroutine handle) {
        try {
            var f = Goroutine.class.getDeclaredField("g");
            f.setAccessible(true);
            return (G) f.get(handle);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static int stackSize(G g) {
        int n = 0;
        for (Object node = Joins.JOINERS.getVolatile(g.rareOrNull()); node != null; node = next(node)) {
            n++;
        }
        return n;
    }

    /** The next node of the stack, read reflectively (the node class is Joins' own). */
    private static Object next(Object node) {
        try {
            var f = node.getClass().getDeclaredField("next");
            f.setAccessible(true);
            return f.get(node);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
