package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.context.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context made inside a bubble under a parent made outside it: cancelling the parent from
 * outside cannot close the bubble's channel (Go's cross-bubble rule), and says so, but it must not
 * leave the rest of the tree half cancelled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContextAcrossBubbleTest {

    @Test
    void cancellingAParentFromOutsideCancelsTheRestOfTheTreeAndReportsTheBubblesChild() {
        Context parent = Context.background().withCancel();
        Context outsideChild = parent.withCancel();
        AtomicReference<Context> insideChild = new AtomicReference<>();
        Synctest.run(1, () -> insideChild.set(parent.withCancel()));

        assertThatThrownBy(parent::cancel).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside bubble");
        assertThat(parent.err()).isSameAs(Context.CANCELED);
        assertThat(outsideChild.err()).as("a sibling made outside is cancelled all the same").isSameAs(Context.CANCELED);
        assertThat(outsideChild.done().recvOk().ok()).as("its done channel is closed").isFalse();
        assertThat(insideChild.get().err()).isSameAs(Context.CANCELED);
        parent.cancel(); // idempotent, and nothing left to refuse
    }
}
