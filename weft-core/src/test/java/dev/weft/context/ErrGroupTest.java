package dev.weft.context;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.GoroutineFailedException;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's {@code errgroup} semantics, each test naming the test of golang.org/x/sync's
 * errgroup_test.go it echoes. A task "returns an error" by throwing it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrGroupTest {

    private static Weft runtime() {
        return Weft.builder().procs(2).build();
    }

    /** A task that fails with {@code error}, or succeeds when it is null. */
    private static ErrGroup.Task returning(RuntimeException error) {
        return () -> {
            if (error != null) {
                throw error;
            }
        };
    }

    /** Echoes TestZeroGroup: a plain group's await reports the first failure so far, each time. */
    @Test
    void aPlainGroupReportsTheFirstFailureAndCancelsNothing() {
        RuntimeException err1 = new IllegalStateException("errgroup_test: 1");
        RuntimeException err2 = new IllegalArgumentException("errgroup_test: 2");
        List<List<RuntimeException>> cases = List.of(
                List.of(), Arrays.asList((RuntimeException) null), List.of(err1),
                Arrays.asList(err1, null), Arrays.asList(err1, null, err2));
        try (Weft rt = runtime()) {
            rt.run(() -> {
                for (List<RuntimeException> errs : cases) {
                    ErrGroup g = new ErrGroup();
                    assertThat(g.context()).isSameAs(Context.background());
                    RuntimeException firstErr = null;
                    for (RuntimeException err : errs) {
                        g.go(returning(err));
                        if (firstErr == null && err != null) {
                            firstErr = err;
                        }
                        if (firstErr == null) {
                            g.await();
                        } else {
                            assertThatThrownBy(g::await).as("after %s", errs).isSameAs(firstErr);
                        }
                    }
                    if (errs.isEmpty()) {
                        g.await(); // nothing to wait for
                    }
                }
            });
        }
    }

    /** Echoes TestWithContext and TestCancelCause: await cancels the context; the cause is the failure. */
    @Test
    void withContextCancelsItsContextOnAwaitWithTheFailureAsCause() {
        RuntimeException doom = new IllegalStateException("group_test: doomed");
        List<List<RuntimeException>> cases = List.of(
                List.of(), Arrays.asList((RuntimeException) null), List.of(doom), Arrays.asList(doom, null));
        try (Weft rt = runtime()) {
            rt.run(() -> {
                for (boolean viaTryGo : new boolean[] {false, true}) {
                    for (List<RuntimeException> errs : cases) {
                        ErrGroup g = ErrGroup.withContext(Context.background());
                        Context ctx = g.context();
                        for (RuntimeException err : errs) {
                            if (viaTryGo) {
                                assertThat(g.tryGo(returning(err))).isTrue();
                            } else {
                                g.go(returning(err));
                            }
                        }
                        boolean fails = errs.contains(doom);
                        if (fails) {
                            assertThatThrownBy(g::await).isSameAs(doom);
                        } else {
                            g.await();
                        }
                        assertThat(ctx.err()).as("%s", errs).isSameAs(Context.CANCELED);
                        assertThat(ctx.cause()).as("%s", errs).isSameAs(fails ? doom : Context.CANCELED);
                    }
                }
            });
        }
    }

    /** The first failure cancels the context while the other tasks still run; they see it and stop. */
    @Test
    void theFirstFailureCancelsTheContextOfTheTasksStillRunning() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Context parent = Context.background().withCancel();
                ErrGroup g = ErrGroup.withContext(parent);
                Queue<Object> stoppedBy = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < 4; i++) {
                    g.go(() -> {
                        g.context().done().recv(); // would wait for good without the failure
                        stoppedBy.add(g.context().cause());
                        throw g.context().err(); // a later failure: dropped
                    });
                }
                IOException boom = new IOException("boom");
                g.go(() -> {
                    throw boom;
                });
                assertThatThrownBy(g::await).isInstanceOf(GoroutineFailedException.class).hasCause(boom)
                        .satisfies(e -> assertThat(((GoroutineFailedException) e).goroutineId()).isPositive());
                assertThat(stoppedBy).hasSize(4).containsOnly(boom);
                assertThat(parent.err()).as("a group's failure does not cancel the parent").isNull();
                parent.cancel();
            });
        }
    }

    /** Failures are rethrown by kind: errors and runtime exceptions as they are, checked ones wrapped. */
    @Test
    void awaitRethrowsErrorsAsTheyAreAndWrapsCheckedExceptions() {
        final class Fatal extends Error {
            Fatal() {
                super("fatal");
            }
        }
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup errors = new ErrGroup();
                Fatal fatal = new Fatal();
                errors.go(() -> {
                    throw fatal;
                });
                assertThatThrownBy(errors::await).isSameAs(fatal);
                assertThatThrownBy(errors::await).as("again: the same failure").isSameAs(fatal);

                ErrGroup checked = new ErrGroup();
                Exception cause = new Exception("checked");
                checked.go(() -> {
                    throw cause;
                });
                assertThatThrownBy(checked::await).isInstanceOf(GoroutineFailedException.class).hasCause(cause);

                ErrGroup callables = new ErrGroup();
                callables.go(() -> 42); // a Callable: its result is ignored
                callables.await();
            });
        }
    }

    /** A parent's cancellation reaches the group's context; the group's own cancel never reaches the parent. */
    @Test
    void theGroupContextIsAChildOfTheGivenContext() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                Context parent = Context.background().withValue("request", "r-1").withCancel();
                ErrGroup g = ErrGroup.withContext(parent);
                assertThat(g.context().value("request")).isEqualTo("r-1");
                AtomicReference<Throwable> seen = new AtomicReference<>();
                g.go(() -> {
                    g.context().done().recv();
                    seen.set(g.context().err());
                });
                parent.cancel();
                g.await();
                assertThat(seen.get()).isSameAs(Context.CANCELED);

                Context other = Context.background().withCancel();
                ErrGroup h = ErrGroup.withContext(other);
                h.go(returning(new IllegalStateException("fails")));
                assertThatThrownBy(h::await).hasMessage("fails");
                assertThat(other.err()).isNull();
                other.cancel();
            });
        }
    }

    /** Echoes TestTryGo: tryGo admits exactly the limit, refuses beyond it, and admits again once tasks end. */
    @Test
    void tryGoAdmitsExactlyTheLimit() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup g = new ErrGroup();
                int n = 42;
                g.setLimit(n);
                Chan<Boolean> ch = Chan.make();
                ErrGroup.Task fn = () -> ch.send(true);
                for (int i = 0; i < n; i++) {
                    assertThat(g.tryGo(fn)).as("call %d", i).isTrue();
                }
                assertThat(g.tryGo(fn)).as("beyond the limit").isFalse();
                Go.go(() -> {
                    for (int i = 0; i < n; i++) {
                        ch.recv();
                    }
                });
                g.await();

                assertThat(g.tryGo(fn)).as("after all ended").isTrue();
                Go.go(ch::recv);
                g.await();

                g.setLimit(1);
                assertThat(g.tryGo(fn)).isTrue();
                assertThat(g.tryGo(fn)).isFalse();
                Go.go(ch::recv);
                g.await();

                g.setLimit(0); // admits nothing
                for (int i = 0; i < 1 << 10; i++) {
                    assertThat(g.tryGo(fn)).isFalse();
                }
                g.await();
            });
        }
    }

    /** Echoes TestGoLimit: with setLimit(10), never more than 10 tasks of the group run at once. */
    @Test
    void goNeverRunsMoreThanTheLimitAtOnce() {
        int limit = 10;
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup g = new ErrGroup();
                g.setLimit(limit);
                AtomicInteger active = new AtomicInteger();
                AtomicInteger peak = new AtomicInteger();
                for (int i = 0; i <= 1 << 10; i++) {
                    g.go(() -> {
                        int now = active.incrementAndGet();
                        peak.accumulateAndGet(now, Math::max);
                        if (now > limit) {
                            throw new AssertionError("saw " + now + " active goroutines; want <= " + limit);
                        }
                        Go.yield(); // give the others a chance to increment active (Go's test sleeps 1 µs)
                        active.decrementAndGet();
                    });
                }
                g.await();
                assertThat(peak.get()).isBetween(1, limit);
            });
        }
    }

    /** With the limit reached, go() waits (parked on the limit's channel) until a running task ends. */
    @Test
    void goWaitsForAFreeSlot() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup g = new ErrGroup();
                g.setLimit(1);
                CountDownLatch release = new CountDownLatch(1);
                AtomicInteger secondRan = new AtomicInteger();
                g.go(() -> release.await());
                Goroutine submitter = Go.go(() -> g.go(secondRan::incrementAndGet));
                awaitTrue(() -> submitter.status().equals("chan send"));
                assertThat(secondRan.get()).isZero();
                release.countDown();
                submitter.join();
                g.await();
                assertThat(secondRan.get()).isEqualTo(1);
            });
        }
    }

    /** setLimit while tasks run is refused, as Go panics; afterwards it is allowed again. */
    @Test
    void setLimitWhileTasksRunIsRefused() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup g = new ErrGroup();
                CountDownLatch release = new CountDownLatch(1);
                g.go(() -> release.await());
                assertThatThrownBy(() -> g.setLimit(5)).isInstanceOf(IllegalStateException.class)
                        .hasMessage("errgroup: modify limit while 1 goroutines in the group are still active");
                assertThatThrownBy(() -> g.setLimit(-1)).isInstanceOf(IllegalStateException.class);
                release.countDown();
                g.await();
                g.setLimit(2);
                g.setLimit(-1); // no limit again
                List<Integer> ran = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    assertThat(g.tryGo(() -> {})).isTrue();
                    ran.add(i);
                }
                g.await();
                assertThat(ran).hasSize(3);
            });
        }
    }

    /** Tasks are goroutines of the caller's runtime; null tasks and parents are refused by name. */
    @Test
    void tasksRunAsGoroutinesAndNullsAreRefused() {
        try (Weft rt = runtime()) {
            rt.run(() -> {
                ErrGroup g = new ErrGroup();
                Goroutine self = Go.current();
                AtomicReference<Goroutine> ranOn = new AtomicReference<>();
                g.go(() -> ranOn.set(Go.current()));
                g.await();
                assertThat(ranOn.get()).isNotNull().isNotEqualTo(self);
                assertThatThrownBy(() -> g.go((ErrGroup.Task) null)).isInstanceOf(NullPointerException.class).hasMessage("task");
                assertThatThrownBy(() -> g.tryGo((java.util.concurrent.Callable<?>) null)).hasMessage("task");
                assertThatThrownBy(() -> ErrGroup.withContext(null)).isInstanceOf(NullPointerException.class).hasMessage("parent");
            });
        }
    }
}
