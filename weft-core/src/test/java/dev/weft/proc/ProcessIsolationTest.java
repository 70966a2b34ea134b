package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Environments and security contexts of concurrent processes never mix, and impersonation stays
 * with the impersonating thread for exactly its scope, under interleavings that park and switch
 * threads inside the scopes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessIsolationTest {

    private static final int THREADS = dev.weft.Conditions.scaledForTheModel(2_000) + 20;
    private static final int ROUNDS = 20;

    @Test
    void concurrentProcessesSeeOnlyTheirOwnEnvironmentAndSecurity() {
        try (Weft rt = Weft.builder().build()) {
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger checks = new AtomicInteger();
            Chan<Integer> start = Chan.make();
            WeftProcess[] ps = new WeftProcess[3];
            for (int i = 0; i < ps.length; i++) {
                String mode = "mode-" + i;
                SecurityContext ctx = SecurityContext.of("user-" + i, Map.of("tenant", "t" + i));
                ps[i] = WeftProcess.builder("tenant-" + i).env(Map.of("MODE", mode)).security(ctx).start(rt, () -> {
                    start.recv(); // all three run at once
                    WaitGroup wg = new WaitGroup();
                    for (int t = 0; t < THREADS / ps.length; t++) {
                        wg.add(1);
                        Go.go(() -> {
                            try {
                                for (int r = 0; r < ROUNDS; r++) {
                                    WeftProcess me = WeftProcess.current();
                                    if (!mode.equals(me.env().get("MODE")) || !ctx.equals(SecurityContext.current())
                                            || !ctx.equals(me.security())) {
                                        wrong.add(me + " saw " + me.env() + " as " + SecurityContext.current());
                                    }
                                    checks.incrementAndGet();
                                    Go.yield();
                                }
                            } finally {
                                wg.done();
                            }
                        });
                    }
                    wg.await();
                });
            }
            for (int i = 0; i < ps.length; i++) {
                start.send(i);
            }
            for (WeftProcess p : ps) {
                assertThat(p.waitFor()).isZero();
            }
            assertThat(wrong).isEmpty();
            assertThat(checks).hasValue(ps.length * (THREADS / ps.length) * ROUNDS);
        }
    }

    @Test
    void impersonationStaysWithItsThreadAndScopeUnderConcurrency() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            SecurityContext own = SecurityContext.of("service", Map.of());
            List<String> wrong = new CopyOnWriteArrayList<>();
            AtomicInteger scopes = new AtomicInteger();
            WeftProcess p = WeftProcess.builder("impersonator").security(own).start(rt, () -> {
                WaitGroup wg = new WaitGroup();
                for (int t = 0; t < THREADS; t++) {
                    SecurityContext as = SecurityContext.of("caller-" + t, Map.of("n", Integer.toString(t)));
                    wg.add(1);
                    Go.go(() -> {
                        try {
                            for (int r = 0; r < ROUNDS / 4; r++) {
                                String result = SecurityContext.impersonate(as, () -> {
                                    Go.sleep(Duration.ofNanos(1)); // park and resume inside the scope
                                    check(as, "inside the scope", wrong);
                                    Chan<SecurityContext> seen = Chan.make(1);
                                    Go.go(() -> seen.send(SecurityContext.current())).join();
                                    if (!own.equals(seen.recv())) {
                                        wrong.add("a goroutine started in the scope saw " + seen);
                                    }
                                    SecurityContext.impersonate(own, () -> check(own, "nested scope", wrong));
                                    check(as, "after the nested scope", wrong);
                                    return "done";
                                });
                                scopes.incrementAndGet();
                                check(own, "after the scope " + result, wrong);
                            }
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        } finally {
                            wg.done();
                        }
                    });
                }
                wg.await();
            });
            assertThat(p.waitFor()).isZero();
            assertThat(wrong).isEmpty();
            assertThat(scopes).hasValue(THREADS * (ROUNDS / 4));
        }
    }

    @Test
    void aScopeEndsWhenItsBodyThrows() {
        SecurityContext as = SecurityContext.of("temp", Map.of());
        try {
            SecurityContext.impersonate(as, (Runnable) () -> {
                throw new IllegalStateException("body failed");
            });
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("body failed");
        }
        assertThat(SecurityContext.current()).isEqualTo(SecurityContext.SYSTEM);
    }

    @Test
    void aProcessWithoutItsOwnEnvironmentOrContextInheritsItsCreatorsProcess() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            SecurityContext parentCtx = SecurityContext.of("parent", Map.of());
            Chan<WeftProcess> child = Chan.make(1);
            WeftProcess parent = WeftProcess.builder("parent").env(Map.of("K", "V")).security(parentCtx)
                    .start(rt, () -> child.send(WeftProcess.builder("child").start(Weft.defaultRuntime(), () -> { })));
            WeftProcess c = child.recv();
            assertThat(c.env()).isEqualTo(Map.of("K", "V"));
            assertThat(c.security()).isEqualTo(parentCtx);
            assertThat(c.pid()).isNotEqualTo(parent.pid());
            assertThat(c.waitFor()).isZero();
            assertThat(parent.waitFor()).isZero();
        }
    }

    private static void check(SecurityContext expected, String where, List<String> wrong) {
        SecurityContext now = SecurityContext.current();
        if (!expected.equals(now)) {
            wrong.add(where + ": expected " + expected + ", saw " + now);
        }
    }
}
