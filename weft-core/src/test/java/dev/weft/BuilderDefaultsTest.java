package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A default never makes a valid explicit option fail: {@code procs} defaults to the machine's
 * processors (or {@code -Dweft.procs}), and {@code maxThreads(n)} below that default failed the
 * build with "procs (16) must not exceed maxThreads (4)" on a machine with more processors than
 * the developer's, though the program never set procs. The default is capped at maxThreads; an
 * explicit procs above it is still rejected with both values named. On a machine with more
 * processors than a runtime may have (4096), the default is that maximum: it was the machine's
 * count, and every runtime built with the defaults (the default runtime too) failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BuilderDefaultsTest {

    @Test
    void aMaxThreadsBelowTheDefaultProcsCapsTheDefaultInsteadOfFailing() {
        int defaultProcs;
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).build()) {
            defaultProcs = rt.procs(); // 1 on a one-processor machine: then this test cannot fail
        }
        int cap = Math.max(1, defaultProcs - 1);
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).maxThreads(cap).build()) {
            assertThat(rt.procs()).isEqualTo(cap);
            Goroutine g = rt.go(() -> {});
            g.join();
            assertThat(g.state()).isEqualTo(Goroutine.State.DEAD);
        }
    }

    @Test
    void anExplicitProcsAboveMaxThreadsIsStillRejectedWithBothValues() {
        assertThatThrownBy(() -> Weft.builder().model(ThreadingModel.M_N).maxThreads(2).procs(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procs (3)")
                .hasMessageContaining("maxThreads (2)");
    }

    @Test
    void onAMachineWithMoreProcessorsThanTheMaximumTheDefaultIsTheMaximum() throws Exception {
        ChildJvm.Result r = ChildJvm.run(60, List.of("-XX:ActiveProcessorCount=5000"),
                ManyProcessors.class.getName());
        assertThat(r.output()).contains("procs=4096");
        assertThat(r.exitValue()).as(r.output()).isZero();
    }

    /** The child of the test above: a runtime built with the defaults, and one goroutine run. */
    public static final class ManyProcessors {
        public static void main(String[] args) {
            try (Weft rt = Weft.builder().model(ThreadingModel.M_N).build()) {
                rt.run(() -> {});
                System.out.println("procs=" + rt.procs());
            }
        }
    }
}
