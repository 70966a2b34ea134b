package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Weft;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A copy of weft in a class loader of its own (an application server's, a plugin's) leaves no
 * thread behind once its runtimes are closed (TwoCopiesOfWeftTest): a thread running its code
 * keeps the loader, every class it defined and their static state for the life of the process.
 * The weft-timer-collector thread, which the copy's first channel timer starts, must end too;
 * a later channel timer starts it again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimerCollectorLifeTest {
    private static final String LOADER = "weft-copy-with-a-timer";

    @Test
    void aCopyOfWeftWhoseRuntimesAreClosedKeepsNoCollectorThread() throws Exception {
        URL classes = Weft.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader other = new URLClassLoader(LOADER, new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            for (int life = 0; life < 2; life++) { // and again: a later timer starts a collector again
                Class<?> weft = other.loadClass(Weft.class.getName());
                Object builder = weft.getMethod("builder").invoke(null);
                try (AutoCloseable rt = (AutoCloseable) builder.getClass().getMethod("build").invoke(builder)) {
                    Runnable body = () -> {
                        try {
                            other.loadClass(Time.class.getName()).getMethod("after", Duration.class)
                                    .invoke(null, Duration.ofHours(1));
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    weft.getMethod("run", Runnable.class).invoke(rt, body);
                    Conditions.awaitTrue(() -> threadsRunningCodeOf(LOADER).stream()
                            .anyMatch(t -> t.getName().equals("weft-timer-collector"))); // the copy's own
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a safety net
                List<Thread> left;
                while (!(left = threadsRunningCodeOf(LOADER)).isEmpty() && System.nanoTime() < deadline) {
                    Thread.yield(); // on its way out
                }
                assertThat(left).as("life %d: threads running the copy's code after its runtime closed", life)
                        .isEmpty();
            }
        }
    }

    /** Live threads with a frame of a class that the loader named {@code loader} defined. */
    private static List<Thread> threadsRunningCodeOf(String loader) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().isAlive()
                        && Arrays.stream(e.getValue()).anyMatch(f -> loader.equals(f.getClassLoaderName())))
                .map(Map.Entry::getKey)
                .toList();
    }
}
