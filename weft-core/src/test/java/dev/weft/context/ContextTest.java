package dev.weft.context;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's {@code context} semantics, each test naming the Go test (src/context/x_test.go) it echoes.
 * Cancellation here is synchronous, so where Go's tests sleep "to let cancellation propagate"
 * these check at once. Waits for a deadline use a Select whose {@code after} case is only a
 * safety net: reaching it fails the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextTest {

    private static final Duration SAFETY_NET = Duration.ofSeconds(10);

    private record Key1(int n) {}

    private record Key2(int n) {}

    /** Whether {@code c} is closed: nothing is ever sent on a done channel, so a ready receive means closed. */
    private static boolean isClosed(Chan<?> c) {
        return c != null && new Select().recv(c, v -> {}).orElse(() -> {}).run() == 0;
    }

    private static void awaitDone(Context ctx) {
        int fired = new Select().recv(ctx.done(), v -> {}).after(SAFETY_NET, () -> {}).run();
        assertThat(fired).as("%s should be done within %s", ctx, SAFETY_NET).isZero();
    }

    private static void assertOpen(Context... contexts) {
        for (Context c : contexts) {
            assertThat(c.done()).as("done() of %s", c).isNotNull();
            assertThat(isClosed(c.done())).as("done() of %s closed", c).isFalse();
            assertThat(c.err()).as("err() of %s", c).isNull();
            assertThat(c.cause()).as("cause() of %s", c).isNull();
        }
    }

    private static void assertDone(ContextCanceledException why, Context... contexts) {
        for (Context c : contexts) {
            assertThat(isClosed(c.done())).as("done() of %s closed", c).isTrue();
            assertThat(c.err()).as("err() of %s", c).isSameAs(why);
        }
    }

    private static int children(Context c) {
        return ((CancelContext) c).childCount();
    }

    private static Weft runtime() {
        return Weft.builder().procs(2).build();
    }

    /** Echoes XTestBackground: never done, and nothing to cancel. */
    @Test
    void backgroundIsNeverDoneAndCannotBeCancelled() {
        Context bg = Context.background();
        assertThat(Context.background()).isSameAs(bg);
        assertThat(bg.done()).isNull();
        assertThat(new Select().recv(bg.done(), v -> {}).orElse(() -> {}).run()).isEqualTo(-1); // a nil channel
        assertThat(bg.err()).isNull();
        assertThat(bg.cause()).isNull();
        assertThat(bg.deadline()).isEmpty();
        assertThat(bg.value(new Key1(1))).isNull();
        assertThat(bg).hasToString("Context.background()");
        assertThatThrownBy(bg::cancel).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Context.background() cannot be cancelled");
        bg.close(); // releases nothing, cancels nothing
        assertThat(bg.err()).isNull();
    }

    /** Echoes XTestWithCancel: cancel closes done() of the context and of what derives from it. */
    @Test
    void withCancelClosesDoneOnceAndReportsCanceled() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Context c1 = Context.background().withCancel();
                assertThat(c1).hasToString("Context.background().withCancel()");
                Context o = c1.withValue(new Key1(1), "v");
                Context c2 = o.withCancel();
                assertOpen(c1, o, c2);
                assertThat(o.done()).isSameAs(c1.done());

                c1.cancel();
                assertDone(Context.CANCELED, c1, o, c2);
                assertThat(c1.cause()).isSameAs(Context.CANCELED);

                c1.cancel(); // idempotent: no second close, nothing changes
                c1.cancel(new IllegalStateException("late"));
                c1.close();
                assertDone(Context.CANCELED, c1, o, c2);
                assertThat(c1.cause()).isSameAs(Context.CANCELED);
            });
        }
    }

    /** Echoes XTestParentFinishesChild: the parent's cancel reaches children through value contexts, and drops its child set. */
    @Test
    void cancellingAParentCancelsEveryDescendantAndClearsItsChildSet() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                // parent -> cancelChild; parent -> valueChild -> timerChild
                Context parent = Context.background().withCancel();
                Context cancelChild = parent.withCancel();
                Context valueChild = parent.withValue("key", "value");
                Context timerChild = valueChild.withTimeout(Duration.ofHours(10_000));
                assertOpen(parent, cancelChild, valueChild, timerChild);
                assertThat(children(parent)).as("both cancellable children registered").isEqualTo(2);
                assertThat(((CancelContext) timerChild).timerArmed()).isTrue();

                parent.cancel();

                assertThat(children(parent)).as("child set dropped").isZero();
                assertDone(Context.CANCELED, parent, cancelChild, valueChild, timerChild);
                assertThat(((CancelContext) timerChild).timerArmed()).as("a cancelled context's timer is stopped").isFalse();
                assertThat(valueChild.value("key")).isEqualTo("value");

                Context precancelled = parent.withValue("key", "value");
                assertDone(Context.CANCELED, precancelled);
            });
        }
    }

    /** Echoes XTestChildFinishesFirst: a child's cancel reaches neither its parent nor its siblings. */
    @Test
    void cancellingAChildLeavesItsParentOpenAndLeavesItsChildSet() {
        try (Weft rt = runtime(); Context cancellable = Context.background().withCancel()) {
            rt.run(() -> {
                for (Context parent : List.of(Context.background(), cancellable)) {
                    Context child = parent.withCancel();
                    Context sibling = parent.withCancel();
                    if (parent == cancellable) {
                        assertThat(children(parent)).isEqualTo(2);
                    }
                    child.cancel();
                    if (parent == cancellable) {
                        assertThat(children(parent)).as("child's cancel removes it from the parent").isEqualTo(1);
                    }
                    assertDone(Context.CANCELED, child);
                    assertThat(parent.err()).isNull();
                    assertThat(isClosed(parent.done())).isFalse();
                    assertOpen(sibling);
                    sibling.cancel();
                }
                assertThat(children(cancellable)).isZero();
            });
        }
    }

    /**
     * Echoes XTestCancelRemoves: cancelled children, timers included, leave the parent's child set;
     * and the timer, on weft's own heap, leaves it too.
     */
    @Test
    void cancelledChildrenLeaveNoRegistrationAndNoTimer() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                long timers = rt.stats().timers();
                Context ctx = Context.background().withCancel();
                assertThat(children(ctx)).isZero();
                Context child = ctx.withCancel();
                assertThat(children(ctx)).isEqualTo(1);
                child.cancel();
                assertThat(children(ctx)).isZero();

                Context timed = ctx.withTimeout(Duration.ofMinutes(60));
                assertThat(children(ctx)).isEqualTo(1);
                assertThat(rt.stats().timers()).as("the deadline is a timer on the runtime's heap").isEqualTo(timers + 1);
                timed.cancel();
                assertThat(children(ctx)).isZero();
                assertThat(rt.stats().timers()).as("cancel stops the timer").isEqualTo(timers);
                ctx.cancel();
            });
        }
    }

    /** Echoes XTestWithCancelCanceledParent (and TestCause's inherited causes): born cancelled, with no timer. */
    @Test
    void aChildOfACancelledParentIsBornCancelledWithItsCause() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                long timers = rt.stats().timers();
                Context parent = Context.background().withCancel();
                IllegalStateException why = new IllegalStateException("shutting down");
                parent.cancel(why);

                Context c = parent.withCancel();
                Context t = parent.withValue(new Key1(1), "v").withTimeout(Duration.ofHours(1));
                Context d = parent.withDeadline(Instant.now().plusSeconds(3600));
                assertDone(Context.CANCELED, c, t, d);
                for (Context x : List.of(c, t, d)) {
                    assertThat(x.cause()).as("cause of %s", x).isSameAs(why);
                }
                assertThat(children(parent)).isZero();
                assertThat(((CancelContext) t).timerArmed()).isFalse();
                assertThat(rt.stats().timers()).as("no timer armed for a born-cancelled context").isEqualTo(timers);
            });
        }
    }

    /** Echoes XTestDeadline, including the deadline in the past and "now". */
    @Test
    void withDeadlineIsCancelledWithDeadlineExceededAtTheDeadline() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Instant at = Instant.now().plusMillis(50);
                try (Context c = Context.background().withDeadline(at)) {
                    assertThat(c.toString()).startsWith("Context.background().withDeadline(");
                    assertThat(c.deadline()).contains(at);
                    awaitDone(c);
                    assertDone(Context.DEADLINE_EXCEEDED, c);
                    assertThat(c.cause()).isSameAs(Context.DEADLINE_EXCEEDED);
                    assertThat(((CancelContext) c).timerArmed()).isFalse();
                }
                for (Instant past : List.of(Instant.now().minusMillis(1), Instant.now(), Instant.MIN)) {
                    Context c = Context.background().withDeadline(past);
                    assertDone(Context.DEADLINE_EXCEEDED, c); // at once, no timer
                    assertThat(((CancelContext) c).timerArmed()).isFalse();
                }
            });
        }
    }

    /** Echoes XTestTimeout: never early, and a child's later timeout yields to its parent's earlier deadline. */
    @Test
    void withTimeoutFiresNoEarlierThanItsTimeoutAndChildrenInheritTheEarliestDeadline() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                long t0 = System.nanoTime();
                try (Context c = Context.background().withTimeout(Duration.ofMillis(50));
                        Context o = c.withValue(new Key1(1), "v");
                        Context child = o.withTimeout(Duration.ofSeconds(3))) {
                    assertThat(child.deadline()).isEqualTo(c.deadline());
                    assertThat(((CancelContext) child).timerArmed()).as("the earlier parent deadline makes it a withCancel").isFalse();
                    assertThat(child).hasToString(o + ".withCancel()");
                    awaitDone(child);
                    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(50_000_000L);
                    assertDone(Context.DEADLINE_EXCEEDED, c, o, child);
                    assertThat(child.cause()).isSameAs(Context.DEADLINE_EXCEEDED);
                }
            });
        }
    }

    /** The earliest deadline wins the other way too: a child's earlier deadline is its own, inherited below it. */
    @Test
    void anEarlierChildDeadlineIsTheChildsOwnAndIsInheritedBelowIt() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                try (Context parent = Context.background().withTimeout(Duration.ofHours(2))) {
                    Instant parentDeadline = parent.deadline().orElseThrow();
                    Instant earlier = parentDeadline.minus(Duration.ofHours(1));
                    try (Context child = parent.withDeadline(earlier)) {
                        assertThat(child.deadline()).contains(earlier);
                        assertThat(((CancelContext) child).timerArmed()).isTrue();
                        Context below = child.withValue(new Key1(1), "v").withCancel();
                        assertThat(below.deadline()).contains(earlier);
                        assertThat(Context.background().withCancel().deadline()).isEmpty();
                        Context huge = parent.withTimeout(Duration.ofSeconds(Long.MAX_VALUE)); // saturates, then yields to the parent's
                        assertThat(huge.deadline()).contains(parentDeadline);
                        huge.cancel();
                    }
                }
            });
        }
    }

    /** Echoes XTestCanceledTimeout: a cancelled timeout context reports CANCELED, not DEADLINE_EXCEEDED. */
    @Test
    void cancellingATimeoutContextReportsCanceled() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                try (Context parent = Context.background().withTimeout(Duration.ofSeconds(1))) {
                    Context c = parent.withValue(new Key1(1), "v").withTimeout(Duration.ofSeconds(2));
                    c.cancel();
                    assertDone(Context.CANCELED, c);
                    assertOpen(parent);
                }
            });
        }
    }

    /** Echoes XTestValues: lookups walk up the chain; an inner value shadows an outer one under an equal key. */
    @Test
    void valueLooksUpTheChainAndInnerValuesShadowOuterOnes() {
        Key1 k1 = new Key1(1);
        Key2 k2 = new Key2(1); // the same int as k1, another type: another key
        Key2 k3 = new Key2(3);
        Context c0 = Context.background();
        checkValues(c0, null, null, null);
        Context c1 = c0.withValue(k1, "c1k1");
        checkValues(c1, "c1k1", null, null);
        assertThat(c1).hasToString("Context.background().withValue(Key1[n=1], String)");
        Context c2 = c1.withValue(k2, "c2k2");
        checkValues(c2, "c1k1", "c2k2", null);
        Context c3 = c2.withCancel().withValue(k3, "c3k3"); // a cancellable layer in between changes nothing
        checkValues(c3, "c1k1", "c2k2", "c3k3");
        // Go hides k1 with a nil value; weft refuses null values, so c4 shadows it with another.
        Context c4 = c3.withValue(k1, "c4k1");
        checkValues(c4, "c4k1", "c2k2", "c3k3");
        checkValues(c3, "c1k1", "c2k2", "c3k3"); // the parent is unchanged
        assertThat(c4.value(new Key1(1))).as("keys compare with equals").isEqualTo("c4k1");
        c3.close(); // a value context holds nothing: close cancels nothing
        assertThat(c3.err()).isNull();
        assertThatThrownBy(c3::cancel).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot be cancelled");
    }

    private static void checkValues(Context c, Object v1, Object v2, Object v3) {
        assertThat(c.value(new Key1(1))).as("%s k1", c).isEqualTo(v1);
        assertThat(c.value(new Key2(1))).as("%s k2", c).isEqualTo(v2);
        assertThat(c.value(new Key2(3))).as("%s k3", c).isEqualTo(v3);
    }

    /** Echoes XTestWithValueChecksKey ("nil key"): null arguments fail fast, naming the argument. */
    @Test
    void nullArgumentsAreRejectedByName() {
        Context bg = Context.background();
        try (Context c = bg.withCancel()) {
            assertThatThrownBy(() -> bg.withValue(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
            assertThatThrownBy(() -> bg.withValue("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
            assertThatThrownBy(() -> bg.value(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
            assertThatThrownBy(() -> bg.withTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
            assertThatThrownBy(() -> bg.withDeadline(null)).isInstanceOf(NullPointerException.class).hasMessage("deadline");
            assertThatThrownBy(() -> c.cancel(null)).isInstanceOf(NullPointerException.class).hasMessage("cause");
            assertThat(c.err()).as("a refused cancel cancels nothing").isNull();
        }
    }

    /** Echoes XTestSimultaneousCancels: a tree cancelled at every node at once, in random order, ends fully cancelled. */
    @Test
    void simultaneousCancelsOfEveryNodeOfATreeAllComplete() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Context root = Context.background().withCancel();
                List<Context> all = new ArrayList<>(List.of(root));
                Queue<Context> q = new ArrayDeque<>(all);
                while (!q.isEmpty() && all.size() < 100) {
                    Context parent = q.remove();
                    for (int i = 0; i < 4; i++) {
                        Context c = parent.withCancel();
                        all.add(c);
                        q.add(c);
                    }
                }
                List<Context> order = new ArrayList<>(all);
                Collections.shuffle(order, new Random(42));
                WaitGroup cancellers = new WaitGroup();
                for (Context c : order) {
                    cancellers.go(c::cancel);
                }
                Collections.shuffle(order, new Random(7));
                for (Context c : order) {
                    awaitDone(c);
                }
                cancellers.await();
                for (Context c : all) {
                    assertThat(c.err()).isSameAs(Context.CANCELED);
                    assertThat(children(c)).as("children of %s", c).isZero();
                }
            });
        }
    }

    /** Echoes XTestInterlockedCancels: a child cancelled while its parent's cancel runs; no deadlock, no lost cancel. */
    @Test
    void parentAndChildCancelledAtOnceNeverDeadlock() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                for (int round = 0; round < 200; round++) {
                    Context parent = Context.background().withCancel();
                    Context child = parent.withCancel();
                    Context grandchild = child.withTimeout(Duration.ofHours(1));
                    Goroutine g = Go.go(() -> {
                        parent.done().recv();
                        child.cancel();
                    });
                    Goroutine h = Go.go(grandchild::cancel);
                    parent.cancel();
                    g.join();
                    h.join();
                    assertDone(Context.CANCELED, parent, child, grandchild);
                    assertThat(children(parent)).isZero();
                    assertThat(children(child)).isZero();
                }
            });
        }
    }

    /** Echoes XTestLayersCancel and XTestLayersTimeout: random layers of values, cancels and timeouts. */
    @ParameterizedTest(name = "timeout={0}")
    @ValueSource(booleans = {false, true})
    void randomLayersOfValuesCancelsAndTimeouts(boolean testTimeout) {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        // Cancel variant: timers far off, so that the cancel is what ends the context.
        Duration timeout = testTimeout ? Duration.ofMillis(200) : Duration.ofHours(1);
        try (Weft rt = runtime()) {
            rt.run(() -> {
                List<Object> vals = new ArrayList<>();
                List<Context> cancellables = new ArrayList<>();
                int timers = 0;
                Context ctx = Context.background();
                for (int i = 0; i < 30 || timers == 0 || vals.isEmpty(); i++) {
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            Object v = new Object();
                            ctx = ctx.withValue(v, v);
                            vals.add(v);
                        }
                        case 1 -> {
                            ctx = ctx.withCancel();
                            cancellables.add(ctx);
                        }
                        default -> {
                            ctx = ctx.withTimeout(timeout);
                            cancellables.add(ctx);
                            timers++;
                        }
                    }
                }
                Context last = ctx;
                Runnable checkValues = () -> {
                    for (Object key : vals) {
                        assertThat(last.value(key)).as("seed=%d", seed).isSameAs(key);
                    }
                };
                assertOpen(last);
                assertThat(last.toString()).startsWith("Context.background().");
                checkValues.run();
                if (testTimeout) {
                    awaitDone(last);
                    assertThat(last.err()).as("seed=%d", seed).isSameAs(Context.DEADLINE_EXCEEDED);
                } else {
                    cancellables.get(rnd.nextInt(cancellables.size())).cancel();
                    assertDone(Context.CANCELED, last);
                }
                checkValues.run();
                cancellables.forEach(Context::close);
                assertThat(rt.stats().timers()).as("seed=%d", seed).isZero();
            });
        }
    }

    /** Echoes XTestCause: the first cancellation's cause wins, and descendants inherit it. */
    @Test
    void causeIsTheFirstCancellationsCauseInheritedByDescendants() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Exception first = new Exception("first");
                Exception second = new Exception("second");

                Context open = Context.background().withCancel();
                assertThat(open.cause()).as("not done: no cause").isNull();
                open.cancel();
                assertThat(open.cause()).as("plain cancel").isSameAs(Context.CANCELED);

                Context c = Context.background().withCancel();
                c.cancel(first);
                c.cancel(second);
                assertThat(c.err()).isSameAs(Context.CANCELED);
                assertThat(c.cause()).as("the first cause wins").isSameAs(first);

                Context parent = Context.background().withCancel();
                Context child = parent.withCancel();
                Context grandchild = child.withValue(new Key1(1), "v").withCancel();
                parent.cancel(first);
                assertThat(child.cause()).isSameAs(first);
                assertThat(grandchild.cause()).isSameAs(first);

                Context parent2 = Context.background().withCancel();
                Context child2 = parent2.withCancel();
                child2.cancel(second);
                parent2.cancel(first);
                assertThat(child2.cause()).as("a child cancelled first keeps its own cause").isSameAs(second);
                assertThat(parent2.cause()).isSameAs(first);

                Context timed = Context.background().withTimeout(Duration.ZERO);
                Context underTimed = timed.withCancel();
                timed.cancel(first);
                assertThat(timed.cause()).isSameAs(Context.DEADLINE_EXCEEDED);
                assertThat(underTimed.err()).isSameAs(Context.DEADLINE_EXCEEDED);
                assertThat(underTimed.cause()).isSameAs(Context.DEADLINE_EXCEEDED);
            });
        }
    }

    /** Echoes XTestDeadlineExceededSupportsTimeout, and checks that the shared sentinels stay unchanged. */
    @Test
    void theTwoErrorsAreSharedStacklessSentinels() {
        assertThat(Context.DEADLINE_EXCEEDED.deadlineExceeded()).isTrue();
        assertThat(Context.CANCELED.deadlineExceeded()).isFalse();
        assertThat(Context.CANCELED).hasMessage("context canceled");
        assertThat(Context.DEADLINE_EXCEEDED).hasMessage("context deadline exceeded");
        assertThat(Context.CANCELED.getStackTrace()).isEmpty();
        try {
            throw Context.CANCELED;
        } catch (ContextCanceledException e) {
            e.addSuppressed(new RuntimeException("from a try-with-resources"));
            assertThat(e.getSuppressed()).as("a JVM-wide instance must not grow").isEmpty();
        }
    }

    /**
     * The invariant behind err(): a goroutine woken by done() always sees err() non-null, and a
     * non-null err() means done() is closed; concurrent cancels close done() exactly once.
     */
    @Test
    void errIsNonNullExactlyWhenDoneIsClosedEvenUnderConcurrentCancels() {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().procs(2).uncaughtExceptionHandler((g, t) -> failures.add(t)).build()) {
            rt.run(() -> {
                for (int round = 0; round < 100; round++) {
                    Context parent = Context.background().withCancel();
                    Context ctx = parent.withCancel();
                    WaitGroup wg = new WaitGroup();
                    Queue<Object> seen = new ConcurrentLinkedQueue<>();
                    for (int i = 0; i < 3; i++) {
                        wg.go(() -> {
                            ctx.done().recv();
                            seen.add(String.valueOf(ctx.err()));
                        });
                        wg.go(() -> {
                            while (ctx.err() == null) {
                                Go.yield();
                            }
                            seen.add(isClosed(ctx.done()) ? "closed" : "err set but done open");
                        });
                    }
                    wg.go(ctx::cancel);
                    wg.go(parent::cancel);
                    wg.go(() -> ctx.cancel(new IllegalStateException("racing")));
                    wg.await();
                    assertThat(seen).hasSize(6).doesNotContain("null", "err set but done open");
                    assertThat(ctx.err()).isSameAs(Context.CANCELED);
                }
            });
        }
        assertThat(failures).isEmpty();
    }

    /**
     * The same invariant, forced: under PRIORITY on one processor, closing done() hands the
     * processor to the higher-priority waiter before cancel() has returned (the canceller yields
     * inside the close), and the waiter must still see err() set.
     */
    @Test
    void aWaiterThatRunsInsideTheCancelStillSeesErr() {
        try (Weft rt = Weft.builder().procs(1).policy(SchedulingPolicy.PRIORITY).build()) {
            rt.run(() -> {
                for (int round = 0; round < 20; round++) {
                    Context ctx = Context.background().withCancel();
                    AtomicReference<Throwable> seen = new AtomicReference<>(new AssertionError("not woken"));
                    Goroutine waiter = Go.go(20, () -> {
                        ctx.done().recv();
                        seen.set(ctx.err());
                    });
                    awaitTrue(() -> waiter.status().equals("chan receive"));
                    Goroutine canceller = Go.go(2, ctx::cancel);
                    canceller.join();
                    waiter.join();
                    assertThat(seen.get()).as("round %d", round).isSameAs(Context.CANCELED);
                }
            });
        }
    }

    /** A goroutine parked on a descendant's done() is woken by an ancestor's cancel. */
    @Test
    void aGoroutineWaitingOnADescendantsDoneIsWokenByTheAncestorsCancel() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Context parent = Context.background().withCancel();
                Context child = parent.withValue(new Key1(1), "v").withTimeout(Duration.ofHours(1));
                AtomicReference<Throwable> saw = new AtomicReference<>();
                Goroutine w = Go.go(() -> {
                    child.done().recv();
                    saw.set(child.err());
                });
                awaitTrue(() -> w.status().equals("chan receive"));
                assertThat(saw.get()).isNull();
                parent.cancel();
                w.join();
                assertThat(saw.get()).isSameAs(Context.CANCELED);
            });
        }
    }

    /**
     * Echoes XTestCustomContextGoroutines: deriving and cancelling contexts starts no goroutine; and
     * a never-cancelled child stays registered only until its parent is cancelled.
     */
    @Test
    void contextsStartNoGoroutineAndLeaveNoRegistrationBehind() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                long goroutines = rt.goroutineCount();
                Context parent = Context.background().withCancel();
                for (int i = 0; i < 100; i++) {
                    try (Context c = parent.withCancel();
                            Context t = parent.withValue(new Key1(i), i).withTimeout(Duration.ofHours(1));
                            Context d = t.withDeadline(Instant.now().plusSeconds(60))) {
                        assertThat(d.value(new Key1(i))).isEqualTo(i);
                        assertThat(children(parent)).isEqualTo(2);
                        assertThat(c.err()).isNull();
                    }
                }
                assertThat(rt.goroutineCount()).isEqualTo(goroutines);
                assertThat(children(parent)).as("closed children left the set").isZero();
                assertThat(rt.stats().timers()).as("closed children stopped their timers").isZero();

                List<Context> neverCancelled = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    neverCancelled.add(parent.withCancel());
                }
                assertThat(children(parent)).isEqualTo(100);
                parent.cancel();
                assertThat(children(parent)).isZero();
                assertDone(Context.CANCELED, neverCancelled.toArray(Context[]::new));
                assertThat(rt.goroutineCount()).isEqualTo(goroutines);
            });
        }
    }

    /** The README's example: select on done() beside a result channel; close() cancels. */
    @Test
    void selectOnDoneBesideAResultChannelAndCloseCancels() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Chan<String> results = Chan.make();
                AtomicReference<String> got = new AtomicReference<>();
                try (Context ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
                    Goroutine worker = Go.go(() -> ctx.done().recv()); // too slow: it only sees the cancellation
                    new Select().recv(ctx.done(), v -> {}).recv(results, got::set)
                            .after(SAFETY_NET, () -> got.set("safety net")).run();
                    assertThat(ctx.err()).isSameAs(Context.DEADLINE_EXCEEDED);
                    worker.join();
                }
                assertThat(got.get()).isNull();

                Context kept;
                try (Context ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
                    kept = ctx;
                    Go.go(() -> results.send("fast"));
                    new Select().recv(ctx.done(), v -> {}).recv(results, got::set).run();
                    assertThat(ctx.err()).isNull();
                }
                assertThat(got.get()).isEqualTo("fast");
                assertThat(kept.err()).as("close() cancelled it").isSameAs(Context.CANCELED);
                assertThat(rt.stats().timers()).isZero();
            });
        }
    }

    /** A context made on a platform thread arms its timer on the default runtime and still fires. */
    @Test
    void contextsWorkOnPlatformThreads() {
        try (Context ctx = Context.background().withTimeout(Duration.ofMillis(20))) {
            awaitDone(ctx);
            assertThat(ctx.err()).isSameAs(Context.DEADLINE_EXCEEDED);
        }
    }
}
