package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Weft;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two copies of weft in one JVM (an application server's class loaders, two versions on two
 * layers): what weft defines inside {@code java.base} (the goroutine container class,
 * {@code GoroutineContainer}) is defined once and serves both, so the second copy's runtimes
 * start and run goroutines as the first's do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoCopiesOfWeftTest {

    @Test
    void aSecondCopyOfWeftInAnotherClassLoaderRunsGoroutines() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (Weft mine = Weft.builder().procs(1).name("first-copy").build()) {
            mine.run(ran::incrementAndGet); // this copy's container class exists from here on

            URL classes = Weft.class.getProtectionDomain().getCodeSource().getLocation();
            try (URLClassLoader other = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
                Class<?> weft = other.loadClass(Weft.class.getName());
                assertThat(weft).isNotSameAs(Weft.class);
                Object builder = weft.getMethod("builder").invoke(null);
                builder = builder.getClass().getMethod("name", String.class).invoke(builder, "second-copy");
                try (AutoCloseable rt = (AutoCloseable) builder.getClass().getMethod("build").invoke(builder)) {
                    // A goroutine of the second copy, which starts goroutines of its own copy.
                    Runnable body = () -> {
                        ran.incrementAndGet();
                        try {
                            Class<?> go = other.loadClass(Go.class.getName());
                            Object child = go.getMethod("go", Runnable.class).invoke(null, (Runnable) ran::incrementAndGet);
                            child.getClass().getMethod("join").invoke(child);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    weft.getMethod("run", Runnable.class).invoke(rt, body);
                }
                // Closed, the second copy leaves no thread behind: in particular, closing a
                // runtime does not create that copy's default runtime (whose carriers and sysmon
                // would outlive the class loader, failing on every tick once it is closed).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                List<Thread> left;
                while (!(left = threadsOf(other)).isEmpty() && System.nanoTime() < deadline) {
                    Thread.yield(); // the closed runtime's threads are on their way out
                }
                assertThat(left).as("threads of the second copy after its runtime closed").isEmpty();
            }
            mine.run(ran::incrementAndGet); // and the first copy goes on
        }
        assertThat(ran).hasValue(4);
    }

    @Test
    void theDefaultRuntimeCannotBeClosed() {
        assertThatThrownBy(() -> Weft.defaultRuntime().close()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("default runtime");
        assertThatThrownBy(() -> Weft.defaultRuntime().close(java.time.Duration.ZERO))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** Live threads whose class (a carrier, sysmon) that loader defined. */
    private static List<Thread> threadsOf(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getClass().getClassLoader() == loader)
                .toList();
    }
}
