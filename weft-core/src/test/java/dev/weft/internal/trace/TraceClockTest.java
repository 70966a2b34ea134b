package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trace clock: nanoTime when asked for, a clear error for an unknown choice (when a
 * recording is created, never at class initialisation), and whichever
 * clock was chosen runs forwards at a rate that converts to nanoseconds consistent with nanoTime.
 */
class TraceClockTest {
    @Test
    void nanotimeIsChosenWhenAskedFor() {
        assertThat(TraceClock.counterOrNull("nanotime", "tsc")).isNull();
    }

    @Test
    void tscReadsTheCounterWhereverItCanBeReadWhateverTheKernelsClock() throws Throwable {
        String arch = System.getProperty("os.arch", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name", "").equals("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64")) && TraceClock.class.getModule().isNativeAccessEnabled(),
                "the counter is read only on Linux x86-64 with native access");
        java.lang.invoke.MethodHandle counter = TraceClock.counterOrNull("tsc", "kvm-clock");
        assertThat(counter).isNotNull();
        long a = (long) counter.invokeExact();
        long b = (long) counter.invokeExact();
        assertThat(b).isGreaterThanOrEqualTo(a).isPositive();
    }

    @Test
    void underKvmClockTheHypervisorsClockPageIsReadAndKeepsNanoTimesPace() throws Exception {
        Path source = Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(source)
                && java.nio.file.Files.readString(source).strip().equals("kvm-clock")
                && java.nio.file.Files.readString(Path.of("/proc/self/maps")).contains("[vvar_vclock]")
                && TraceClock.class.getModule().isNativeAccessEnabled(),
                "only on a KVM guest whose kernel tells time with kvm-clock (Linux 6.13 on)");
        assertThat(TraceClock.source()).isEqualTo("kvm-clock");
        // The page's nanoseconds against nanoTime's over 20 ms: the same clock, on another base.
        long n0 = System.nanoTime();
        long t0 = TraceClock.now();
        while (System.nanoTime() - n0 < 20_000_000) {
            Thread.onSpinWait();
        }
        long t1 = TraceClock.now();
        long n1 = System.nanoTime();
        assertThat((double) (t1 - t0)).isBetween((n1 - n0) * 0.9, (n1 - n0) * 1.1);
        assertThat(TraceClock.nanosPerTick()).isBetween(0.99, 1.01);
    }

    @Test
    void aReadThatFindsTheHostUpdatingThePageWaitsForTheUpdateAsTheVdsoDoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TraceClock.source().equals("kvm-clock"),
                "the page is read only under kvm-clock");
        // A page of the test's own: mul 0, so its time is system_time, far from nanoTime's scale,
        // and version odd (the host is writing it) until the "host" thread below ends the update.
        // nanoTime on the page's scale (what such a read took before) is off by however far nanoTime
        // has drifted from kvm-clock since the class initialised: NTP slews the one, not the other.
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            java.lang.foreign.MemorySegment page = arena.allocate(32, 8);
            long pageTime = 1L << 60;
            page.set(java.lang.foreign.ValueLayout.JAVA_LONG, 16, pageTime);
            page.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 29, (byte) 1); // stable
            page.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
            java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
            Thread host = Thread.ofPlatform().start(() -> {
                try {
                    reading.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                java.lang.invoke.VarHandle.releaseFence();
                page.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 2);
            });
            reading.countDown();
            long t = TraceClock.pvclockNow(page);
            host.join();
            assertThat(t).isEqualTo(pageTime);
        }
    }

    @Test
    void anUnknownChoiceIsNamedWhenARecordingStartsAndBreaksNothingElse() throws Exception {
        // In a JVM of its own: the property is read once, when the class initialises.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Dweft.trace.clock=sundial", "-cp",
                System.getProperty("java.class.path"), BadClockProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("now=ok", "weft: -Dweft.trace.clock=sundial is not one of auto, tsc, nanotime");
        assertThat(p.exitValue()).as(out).isZero();
    }

    /** The probe run by the test above: the clock works, a recording is refused with the message. */
    public static final class BadClockProbe {
        public static void main(String[] args) {
            TraceClock.now();
            System.out.println("now=ok " + TraceClock.source());
            try {
                new TraceSession(Path.of("unused.json"), (session, file) -> { }, 64);
                System.out.println("created");
                System.exit(1);
            } catch (IllegalArgumentException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    @Test
    void tscWithoutNativeAccessNamesTheFlagForWeftsModuleOnTheModulePath() throws Exception {
        // weft as the module dev.weft (its classes on the module path), no native access: the flag
        // that would enable it names that module, as ALL-UNNAMED does nothing for a named one.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path weft = Path.of(TraceClock.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(TraceClockTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java.toString(), "-Dweft.trace.clock=tsc", "--module-path", weft.toString(),
                "--add-modules", "dev.weft", "--add-exports", "dev.weft/dev.weft.internal.trace=ALL-UNNAMED",
                "-cp", tests.toString(), dev.weft.tracetest.TscRefusalProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("weft: -Dweft.trace.clock=tsc: the time-stamp counter cannot be read here",
                "--enable-native-access=dev.weft").doesNotContain("ALL-UNNAMED");
    }

    @Test
    void theClockRunsForwardsAndConvertsToNanoTime() {
        long n0 = System.nanoTime();
        long t0 = TraceClock.now();
        long prev = t0;
        for (int i = 0; i < 100_000; i++) {
            long t = TraceClock.now();
            assertThat(t).isGreaterThanOrEqualTo(prev);
            prev = t;
        }
        // Spin until nanoTime has moved 2 ms (a clock of its own, not a sleep as synchronisation).
        while (System.nanoTime() - n0 < 2_000_000) {
            Thread.onSpinWait();
        }
        long t1 = TraceClock.now();
        long n1 = System.nanoTime();
        double converted = (t1 - t0) * TraceClock.nanosPerTick();
        // Within a quarter either way: the rate is measured against nanoTime over this JVM's life.
        assertThat(converted).isBetween((n1 - n0) * 0.75, (n1 - n0) * 1.25);
        assertThat(TraceClock.source()).isIn("tsc", "kvm-clock", "nanotime");
    }
}
