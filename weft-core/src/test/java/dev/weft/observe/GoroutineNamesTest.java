package dev.weft.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goroutines findable from outside: with names on, the JSON thread dump that
 * {@code jcmd <pid> Thread.dump_to_file -format=json} writes (here through the same diagnostic
 * command, invoked over JMX) names each goroutine's thread {@code <runtime>/g<id>}; and
 * {@code rt.dump()} gives each goroutine's Java thread id.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoroutineNamesTest {
    @Test
    void aThreadDumpNamesEachGoroutine(@TempDir Path dir) throws Exception {
        Chan<Integer> gate = Chan.make();
        CountDownLatch parked = new CountDownLatch(2);
        try (Weft rt = Weft.builder().procs(1).name("named").nameGoroutines(true).build()) {
            Goroutine a = rt.go(() -> {
                parked.countDown();
                gate.recv();
            });
            Goroutine b = rt.go(() -> {
                parked.countDown();
                gate.recv();
            });
            try {
                parked.await();
                assertThat(a.thread().getName()).isEqualTo("named/g" + a.id()); // ONE_TO_ONE's platform threads too
                Path file = dir.resolve("threads.json");
                ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadDumpToFile",
                        new Object[] {new String[] {"-format=json", file.toString()}},
                        new String[] {String[].class.getName()});
                String json = Files.readString(file);
                for (Goroutine g : new Goroutine[] {a, b}) {
                    // The dump lists each thread with its tid and name (JSON writes "/" as "\/").
                    String jsonName = g.thread().getName().replace("/", "\\/");
                    assertThat(json).containsPattern("\"tid\": \"" + g.thread().threadId() + "\",\\s*\"time\": \"[^\"]*\",(\\s*\"virtual\": true,)?"
                            + "\\s*\"name\": \"" + java.util.regex.Pattern.quote(jsonName) + "\"");
                    assertThat(g.thread().getName()).contains("g" + g.id());
                }
                if (rt.model() != ThreadingModel.ONE_TO_ONE) {
                    // Goroutines are listed under their runtime's own container, a child of the
                    // root (GoroutineContainer), not tracked a second time by the root.
                    // Named after the runtime, then its identity (the JDK's toString): two runtimes
                    // of one name stay apart.
                    int container = json.indexOf("\"container\": \"named\\/"); // JSON writes "/" as "\/"
                    assertThat(container).as("the runtime's container in the dump").isPositive();
                    String section = json.substring(container);
                    int next = section.indexOf("\"container\":", 1);
                    section = next < 0 ? section : section.substring(0, next);
                    assertThat(section).contains("\"parent\": \"<root>\"")
                            .contains("\"tid\": \"" + a.thread().threadId() + "\"")
                            .contains("\"tid\": \"" + b.thread().threadId() + "\"");
                }
                String dump = rt.dump();
                assertThat(dump).contains("goroutine " + a.id() + " [chan receive",
                        "(java thread " + a.thread().threadId() + "):");
            } finally {
                gate.close();
            }
        }
    }

    /**
     * A virtual thread that a goroutine starts with the JDK's own API is a goroutine too (adopted):
     * with names on, an unnamed one is named like the others, or a thread dump could not tell
     * which goroutine it is; a name its creator gave it is kept.
     */
    @Test
    @Tag("user-space-scheduler") // under ONE_TO_ONE such threads are the JDK's, not goroutines
    void anAdoptedVirtualThreadIsNamedTooUnlessItHasAName() {
        String[] names = new String[2];
        long[] ids = new long[1];
        try (Weft rt = Weft.builder().procs(1).name("adopting").nameGoroutines(true).build()) {
            rt.run(() -> {
                Thread unnamed = Thread.ofVirtual().unstarted(() -> {
                    names[0] = Thread.currentThread().getName();
                    ids[0] = Go.current().id();
                });
                Thread named = Thread.ofVirtual().name("mine").unstarted(() -> names[1] = Thread.currentThread().getName());
                unnamed.start();
                named.start();
                try {
                    unnamed.join();
                    named.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertThat(names[0]).isEqualTo("adopting/g" + ids[0]);
        assertThat(names[1]).isEqualTo("mine");
    }

    @Test
    void namesAreOffUnlessAsked() {
        try (Weft rt = Weft.builder().procs(1).model(ThreadingModel.M_N).build()) {
            Goroutine g = rt.go(() -> { });
            g.join();
            assertThat(g.thread().getName()).isEmpty();
        }
    }
}
