package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.internal.sched.Bubble;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A deadline context made inside a synctest bubble, cancelled from outside it. Its done channel
 * and its timer are the bubble's, which the outside may not touch (Go's cross-bubble rule, as
 * {@code ContextAcrossBubbleTest} in weft-test checks for the channel): the cancel must still
 * complete (the context cancelled, out of its parent's child set, its timer let go) and then
 * report the refusal once. The timer's stop used to throw out of the cancel half way, after the
 * channel's refusal had been recorded: the context stayed registered with its parent (a leak for
 * the parent's life) and kept its timer, and the caller got the timer's refusal instead of the
 * first one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineAcrossBubbleTest {

    @Test
    void cancellingABubblesDeadlineContextFromOutsideCompletesThenReportsTheRefusal() {
        CancelContext parent = (CancelContext) Context.background().withCancel();
        AtomicReference<Context> inside = new AtomicReference<>();
        Bubble.Outcome o = Bubble.run(1, () -> inside.set(parent.withTimeout(Duration.ofHours(1))));
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        CancelContext ctx = (CancelContext) inside.get();
        assertThat(parent.childCount()).isOne();
        assertThat(ctx.timerArmed()).isTrue();

        assertThatThrownBy(ctx::cancel).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close of synctest channel from outside bubble");

        assertThat(ctx.err()).isSameAs(Context.CANCELED);
        assertThat(parent.childCount()).as("the cancelled context left its parent's child set").isZero();
        assertThat(ctx.timerArmed()).as("the cancelled context let its timer go").isFalse();
        ctx.cancel(); // idempotent: nothing left to refuse
        assertThat(parent.err()).isNull();
    }

    @Test
    void cancellingTheParentFromOutsideReportsTheBubbleChildsFirstRefusal() {
        CancelContext parent = (CancelContext) Context.background().withCancel();
        Context outsideChild = parent.withCancel();
        AtomicReference<Context> inside = new AtomicReference<>();
        Bubble.Outcome o = Bubble.run(2, () -> inside.set(parent.withDeadline(java.time.Instant.now().plusSeconds(3600))));
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        CancelContext ctx = (CancelContext) inside.get();

        assertThatThrownBy(parent::cancel).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close of synctest channel from outside bubble");

        assertThat(outsideChild.err()).isSameAs(Context.CANCELED);
        assertThat(ctx.err()).isSameAs(Context.CANCELED);
        assertThat(ctx.timerArmed()).as("the bubble's child let its timer go").isFalse();
        parent.cancel(); // idempotent
    }
}
