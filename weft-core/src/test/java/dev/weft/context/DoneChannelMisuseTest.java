package dev.weft.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context's {@code done()} channel is Go's {@code <-chan struct{}}: receive-only, closed by the
 * context's cancellation alone. A user's close of it used to succeed: {@code done()} closed with
 * {@code err()} null for good (the invariant "err is non-null once done is closed" broken), the
 * context never cancelled and its children never told. A close or send by anyone else is refused,
 * naming the problem, and leaves the context as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DoneChannelMisuseTest {

    @Test
    void closingAContextsDoneChannelIsRefusedAndLeavesTheContextOpen() {
        Context ctx = Context.background().withCancel();
        Context child = ctx.withValue("k", "v").withCancel();

        assertThatThrownBy(() -> ctx.done().close()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("close of a context's done channel")
                .hasMessageContaining("cancel");

        assertThat(ctx.err()).isNull();
        assertThat(isClosed(ctx.done())).as("done() still open").isFalse();
        ctx.cancel();
        assertThat(ctx.err()).isSameAs(Context.CANCELED);
        assertThat(isClosed(ctx.done())).isTrue();
        assertThat(child.err()).as("the child hears of the cancel").isSameAs(Context.CANCELED);
        assertThat(isClosed(child.done())).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sendingOnAContextsDoneChannelIsRefused() {
        Context ctx = Context.background().withTimeout(java.time.Duration.ofHours(1));
        Chan<Object> done = (Chan<Object>) ctx.done(); // what a raw cast lets a caller try

        assertThatThrownBy(() -> done.trySend("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send on a context's done channel");
        assertThatThrownBy(() -> done.send("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send on a context's done channel");
        assertThatThrownBy(() -> new Select().send(done, "x", () -> {}).orElse(() -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send on a context's done channel");
        assertThat(isClosed(done)).isFalse();
        ctx.cancel();
        assertThat(ctx.err()).isSameAs(Context.CANCELED);
    }

    @Test
    void theDoneChannelOfAContextAGoroutineMadeIsClosedByItsCancelAsBefore() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Context ctx = Context.background().withCancel();
                assertThatThrownBy(() -> ctx.done().close()).isInstanceOf(IllegalStateException.class);
                ctx.cancel();
                assertThat(ctx.done().recv()).isNull();
                assertThat(ctx.err()).isSameAs(Context.CANCELED);
            });
        }
    }

    /** Whether a receive from {@code c} is ready at once: nothing is ever sent on done, so ready means closed. */
    private static boolean isClosed(Chan<?> c) {
        boolean[] ready = {false};
        new Select().recv(c, v -> ready[0] = true).orElse(() -> {}).run();
        return ready[0];
    }
}
