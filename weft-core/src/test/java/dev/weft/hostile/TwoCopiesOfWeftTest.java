package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import java.net.URL;
import java.net.URLClassLoader;
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
            }
            mine.run(ran::incrementAndGet); // and the first copy goes on
        }
        assertThat(ran).hasValue(4);
    }
}
