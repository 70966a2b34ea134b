package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each misuse gets an exception that names the problem, and the runtime and other processes go on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessBadInputTest {

    @Test
    void nullsBlanksAndNonPositiveLimitsAreRefusedByName() {
        assertThatThrownBy(() -> WeftProcess.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("process name is null");
        assertThatThrownBy(() -> WeftProcess.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        WeftProcess.Builder b = WeftProcess.builder("x");
        assertThatThrownBy(() -> b.env(null)).hasMessageContaining("environment is null");
        Map<String, String> withNull = new HashMap<>();
        withNull.put("K", null);
        assertThatThrownBy(() -> b.env(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("K=null");
        assertThatThrownBy(() -> b.priorityClass(null)).hasMessageContaining("priority class is null");
        assertThatThrownBy(() -> b.security(null)).hasMessageContaining("security context is null");
        assertThatThrownBy(() -> b.maxThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxThreads must be positive, got 0");
        assertThatThrownBy(() -> b.maxThreads(-5)).hasMessageContaining("got -5");
        assertThatThrownBy(() -> b.start(null, () -> { })).hasMessageContaining("runtime is null");
        assertThatThrownBy(() -> b.start(Weft.defaultRuntime(), null)).hasMessageContaining("primary body is null");
        assertThatThrownBy(() -> SecurityContext.of(null, Map.of())).hasMessageContaining("null principal");
        assertThatThrownBy(() -> SecurityContext.of("p", null)).hasMessageContaining("null attributes");
        assertThatThrownBy(() -> SecurityContext.of("", Map.of())).hasMessageContaining("blank principal");
        assertThatThrownBy(() -> SecurityContext.impersonate(null, () -> { })).hasMessageContaining("null security context");
        assertThatThrownBy(() -> SecurityContext.impersonate(SecurityContext.SYSTEM, (Runnable) null))
                .hasMessageContaining("null body");
        assertThatThrownBy(() -> WeftProcess.go(null, () -> { })).hasMessageContaining("thread priority is null");
    }

    @Test
    void misuseOfALiveProcessIsRefusedAndEverythingGoesOn() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            AtomicReference<Throwable> selfWait = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("target").start(rt, () -> {
                try {
                    WeftProcess.current().waitFor();
                } catch (IllegalStateException e) {
                    selfWait.set(e);
                }
                release.recv();
            });
            WeftProcess bystander = WeftProcess.builder("bystander").start(rt, release::recv);
            // Handles: null, unknown, closed.
            assertThatThrownBy(() -> p.handles().open(null)).hasMessageContaining("open of a null resource");
            assertThatThrownBy(() -> p.handles().get(99, Object.class)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("handle 99 of process " + p.pid() + " 'target' was never opened");
            long h = p.handles().open(() -> { });
            p.handles().close(h);
            assertThatThrownBy(() -> p.handles().close(h)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("handle " + h + " of process " + p.pid() + " 'target' is closed");
            assertThatThrownBy(() -> p.handles().get(h, Object.class)).hasMessageContaining("is closed");
            assertThatThrownBy(() -> p.handles().get(h, null)).hasMessageContaining("handle type is null");
            // exit outside a process; the root process cannot end.
            assertThatThrownBy(() -> WeftProcess.exit(2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("called outside any process");
            AtomicReference<Throwable> rootExit = new AtomicReference<>();
            rt.go(() -> {
                try {
                    WeftProcess.exit(2);
                } catch (IllegalStateException e) {
                    rootExit.set(e);
                }
            }).join();
            assertThat(rootExit.get()).hasMessageContaining("outside any process");
            assertThatThrownBy(() -> WeftProcess.root().terminate(1)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> WeftProcess.root().waitFor()).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> p.waitFor(null)).hasMessageContaining("timeout is null");
            assertThatThrownBy(() -> p.waitFor(Duration.ofSeconds(-1))).hasMessageContaining("negative waitFor timeout");
            // terminate twice.
            dev.weft.Conditions.awaitTrue(() -> selfWait.get() != null);
            p.terminate(4);
            assertThatThrownBy(() -> p.terminate(5)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("terminate(5) of process " + p.pid() + " 'target'")
                    .hasMessageContaining("with code 4").hasMessageContaining("a process ends once");
            assertThat(p.waitFor()).isEqualTo(4);
            assertThatThrownBy(() -> p.terminate(6)).hasMessageContaining("has exited with code 4");
            assertThat(selfWait.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("would wait for itself");
            // The bystander and the runtime go on.
            assertThat(bystander.isAlive()).isTrue();
            release.send(1);
            assertThat(bystander.waitFor()).isZero();
            assertThat(rt.go(() -> { }).join(Duration.ofSeconds(30))).isTrue();
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void aThreadThatCatchesItsExitIsCancelledAgainAtItsNextWait() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            AtomicReference<String> steps = new AtomicReference<>("");
            Chan<Integer> parked = Chan.make(1);
            WeftProcess p = WeftProcess.builder("stubborn").start(rt, () -> {
                Chan<Integer> never = Chan.make();
                try {
                    parked.send(1);
                    never.recv();
                } catch (ProcessExitException first) {
                    steps.set("caught " + first.code());
                }
                try {
                    Go.sleep(Duration.ofHours(1));
                } finally {
                    steps.set(steps.get() + ", unwound again");
                }
            });
            parked.recv();
            dev.weft.Conditions.awaitTrue(() -> p.primary().state() == dev.weft.Goroutine.State.WAITING);
            p.terminate(9);
            assertThat(p.waitFor()).isEqualTo(9);
            assertThat(steps.get()).isEqualTo("caught 9, unwound again");
        }
    }
}
