package dev.weft.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * -Dweft.schedtrace and -Dweft.scheddetail: sysmon prints Go's schedtrace lines to stderr, on a
 * runtime built while the property is set. The test captures stderr until enough lines came
 * (a latch, not a sleep).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedTraceTest {
    private static final Pattern LINE = Pattern.compile("SCHED \\d+ms: gomaxprocs=(\\d+) idleprocs=\\d+ threads=\\d+"
            + " spinningthreads=\\d+ needspinning=\\d+ idlethreads=\\d+ runqueue=\\d+ \\[(\\d+( \\d+)*)?]");

    /** Stderr, collected, counting down {@code latch} for each line that starts with SCHED. */
    private static final class Capture extends OutputStream {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final CountDownLatch latch;

        Capture(CountDownLatch latch) {
            this.latch = latch;
        }

        @Override
        public synchronized void write(int b) {
            buf.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
            String s = new String(b, off, len, StandardCharsets.UTF_8);
            for (int i = s.indexOf("SCHED "); i >= 0; i = s.indexOf("SCHED ", i + 1)) {
                latch.countDown();
            }
        }

        synchronized String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    private static String capture(String schedtrace, boolean detail, int lines, Supplier<Weft> build,
                                  java.util.function.Consumer<Weft> work, Runnable beforeClose)
            throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(lines);
        Capture cap = new Capture(latch);
        PrintStream saved = System.err;
        System.setErr(new PrintStream(cap, true, StandardCharsets.UTF_8));
        System.setProperty("weft.schedtrace", schedtrace);
        if (detail) {
            System.setProperty("weft.scheddetail", "true");
        }
        Weft rt;
        try {
            rt = build.get();
        } finally {
            System.clearProperty("weft.schedtrace");
            System.clearProperty("weft.scheddetail");
        }
        try (rt) {
            work.accept(rt);
            latch.await();
            beforeClose.run();
        } finally {
            System.setErr(saved);
        }
        return cap.text();
    }

    @Test
    void sysmonPrintsGosSchedtraceLineEveryPeriod() throws InterruptedException {
        String err = capture("5", false, 3, () -> Weft.builder().procs(2).name("st").build(), rt -> { }, () -> { });
        List<String> lines = err.lines().filter(l -> l.startsWith("SCHED ")).toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        for (String l : lines) {
            var m = LINE.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
        }
        // Every line shows the runtime's procs, and one local queue length per P (M_N: 2 Ps;
        // N_1 and ONE_TO_ONE: 1).
        try (Weft probe = Weft.builder().procs(2).build()) {
            int ps = probe.model() == ThreadingModel.M_N ? 2 : 1;
            for (String l : lines) {
                var m = LINE.matcher(l);
                assertThat(m.matches()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(ps);
                assertThat(m.group(2).split(" ")).hasSize(ps);
            }
        }
    }

    @Test
    void scheddetailAddsALinePerPMAndGoroutine() throws InterruptedException {
        Chan<Integer> never = Chan.make();
        Goroutine[] parked = new Goroutine[1];
        CountDownLatch started = new CountDownLatch(1);
        String err = capture("5", true, 2, () -> Weft.builder().procs(1).name("sd").detectDeadlocks(false).build(),
                rt -> {
                    parked[0] = rt.go(() -> {
                        started.countDown();
                        never.recv();
                    });
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }, never::close);
        // The last full report (the second, after the goroutine parked for sure: it had started
        // before the first line's latch and parks right after): its goroutine is waiting in a receive.
        assertThat(err).containsPattern("SCHED \\d+ms: gomaxprocs=1 idleprocs=\\d+ threads=\\d+ spinningthreads=\\d+"
                + " needspinning=\\d+ idlethreads=\\d+ runqueue=\\d+ timers=\\d+\n");
        assertThat(err).containsPattern("\n  P0: status=\\d schedtick=\\d+ syscalltick=\\d+ m=(nil|\\d+) runqsize=\\d+");
        assertThat(err).containsPattern("\n  G" + parked[0].id() + ": status=(4\\(chan receive\\)|[12]\\(\\)) m=");
    }

    @Test
    void aBadPeriodIsRefusedWithTheProperty() {
        System.setProperty("weft.schedtrace", "soon");
        try {
            assertThatThrownBy(() -> Weft.builder().build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dweft.schedtrace=soon");
        } finally {
            System.clearProperty("weft.schedtrace");
        }
    }

    /**
     * A period whose nanoseconds overflow a long: taken as given it became a negative period,
     * and sysmon printed a line on every wake-up (every microsecond when idle).
     */
    @Test
    void aPeriodTooLargeForNanosecondsIsRefused() {
        String huge = String.valueOf(Long.MAX_VALUE);
        System.setProperty("weft.schedtrace", huge);
        try {
            assertThatThrownBy(() -> Weft.builder().build().close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dweft.schedtrace=" + huge);
        } finally {
            System.clearProperty("weft.schedtrace");
        }
    }
}
