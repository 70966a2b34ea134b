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
}
