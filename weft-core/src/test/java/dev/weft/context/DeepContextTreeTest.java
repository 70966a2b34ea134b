package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A deep chain of cancellable contexts (a recursion that derives one per level). Cancelling its
 * root used to recurse once per level, under each level's lock: a few thousand levels overflowed
 * a goroutine's stack, and the overflow left the tree half cancelled for good, the root done and
 * the levels below it open, with every later cancel a no-op (the root's err was already set).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeepContextTreeTest {

    private static final int DEPTH = 100_000;

    @Test
    void cancellingTheRootOfADeepChainCancelsEveryLevel() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Context root = Context.background().withCancel();
                Context c = root;
                for (int i = 0; i < DEPTH; i++) {
                    c = (i % 3 == 0 ? c.withValue("level", i) : c).withCancel();
                }
                Context leaf = c;
                Goroutine waiter = Go.go(() -> leaf.done().recv());
                root.cancel();
                waiter.join(); // woken: the leaf's done is closed
                assertThat(leaf.err()).isSameAs(Context.CANCELED);
                assertThat(leaf.cause()).isSameAs(Context.CANCELED);
                assertThat(((CancelContext) root).childCount()).isZero();
            });
        }
    }

    @Test
    void cancellingAMiddleLevelCancelsEveryLevelBelowItOnly() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Context root = Context.background().withCancel();
                Context middle = null;
                Context c = root;
                for (int i = 0; i < DEPTH; i++) {
                    c = c.withCancel();
                    if (i == DEPTH / 2) {
                        middle = c;
                    }
                }
                IllegalStateException cause = new IllegalStateException("stop");
                middle.cancel(cause);
                assertThat(c.err()).isSameAs(Context.CANCELED);
                assertThat(c.cause()).isSameAs(cause);
                assertThat(root.err()).isNull();
                assertThat(((CancelContext) root).childCount()).isOne(); // the level above middle stays
                root.cancel();
            });
        }
    }

    /**
     * A context's string is its parent's followed by how it was derived (Go's
     * {@code contextName(parent) + ".WithCancel"}); it used to be built by a recursion through
     * the chain, which overflowed a goroutine's stack on a deep chain.
     */
    @Test
    void theStringOfADeepChainIsEveryLevelInOrder() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Context c = Context.background();
                StringBuilder expected = new StringBuilder("Context.background()");
                for (int i = 0; i < DEPTH; i++) {
                    if (i % 3 == 0) {
                        c = c.withValue("level", i);
                        expected.append(".withValue(level, Integer)");
                    }
                    c = c.withCancel();
                    expected.append(".withCancel()");
                }
                assertThat(c.toString()).isEqualTo(expected.toString());
                assertThat(new ErrGroup().toString()).endsWith("context=Context.background()]");
                c.cancel();
            });
        }
    }

    /**
     * Go's guarantee, kept by the loop: a cancel of any context returns only once every context
     * below it is cancelled, also when the cancel of an ancestor is already under way and has
     * cancelled that context itself (its lock is held until its subtree is done).
     */
    @Test
    void aCancelRacingAnAncestorsReturnsOnlyOnceItsSubtreeIsDone() {
        try (Weft rt = Weft.builder().procs(4).build()) {
            rt.run(() -> {
                for (int round = 0; round < 200; round++) {
                    Context root = Context.background().withCancel();
                    Context middle = null;
                    Context c = root;
                    for (int i = 0; i < 2_000; i++) {
                        c = c.withCancel();
                        if (i == 500) {
                            middle = c;
                        }
                    }
                    Context leaf = c;
                    Context m = middle;
                    Goroutine rootCanceller = Go.go(root::cancel);
                    m.cancel();
                    assertThat(leaf.err()).as("round %d: the leaf, when middle's cancel returns", round)
                            .isSameAs(Context.CANCELED);
                    rootCanceller.join();
                }
            });
        }
    }
}
