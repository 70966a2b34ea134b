package dev.weft.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.management.WeftRuntimeMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-runtime platform MXBean, read and driven through the platform MBean server as jconsole would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeMXBeanTest {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @Test
    void eachRuntimeHasABeanWhileItLives() throws Exception {
        ObjectName name = new ObjectName("dev.weft:type=Runtime,name=jmx-test");
        Chan<Integer> gate = Chan.make();
        CountDownLatch parked = new CountDownLatch(3);
        Weft rt = Weft.builder().procs(2).name("jmx-test").build();
        try {
            assertThat(SERVER.isRegistered(name)).isTrue();
            for (int i = 0; i < 3; i++) {
                rt.go(() -> {
                    parked.countDown();
                    gate.recv();
                });
            }
            parked.await();
            assertThat(SERVER.getAttribute(name, "Name")).isEqualTo("jmx-test");
            assertThat((Long) SERVER.getAttribute(name, "Goroutines")).isEqualTo(3L);
            assertThat((Long) SERVER.getAttribute(name, "GoroutinesCreated")).isEqualTo(3L);
            int procs = rt.model() == ThreadingModel.M_N ? 2 : 1;
            assertThat((Integer) SERVER.getAttribute(name, "Procs")).isEqualTo(procs);
            assertThat((int[]) SERVER.getAttribute(name, "LocalQueueLengths")).hasSize(procs);
            assertThat((Integer) SERVER.getAttribute(name, "GlobalQueueLength")).isGreaterThanOrEqualTo(0);
            assertThat(SERVER.getAttribute(name, "Model")).isEqualTo(rt.model().name());
            // A map becomes open-type tabular data: one row per switch reason.
            TabularData reasons = (TabularData) SERVER.getAttribute(name, "SwitchesByReason");
            assertThat(reasons.values()).hasSize(5);
            assertThat(reasons.values().stream().map(r -> ((CompositeData) r).get("key")))
                    .contains("wait", "exit", "slice end", "yield", "preempted by priority");
            for (String a : new String[] {"Threads", "SpinningThreads", "IdleThreads", "IdleProcs"}) {
                assertThat((Integer) SERVER.getAttribute(name, a)).as(a).isGreaterThanOrEqualTo(0);
            }
            for (String a : new String[] {"ContextSwitches", "Steals", "Handoffs", "Retakes", "Preemptions", "Boosts"}) {
                assertThat((Long) SERVER.getAttribute(name, a)).as(a).isGreaterThanOrEqualTo(0);
            }
            // The operations.
            String dump = (String) SERVER.invoke(name, "dump", new Object[0], new String[0]);
            assertThat(dump).contains("[chan receive").containsPattern("\\] \\(java thread \\d+\\):");
            if (rt.model() == ThreadingModel.M_N) {
                assertThat(SERVER.invoke(name, "setProcs", new Object[] {3}, new String[] {"int"})).isEqualTo(2);
                assertThat(rt.procs()).isEqualTo(3);
                WeftRuntimeMXBean proxy = JMX.newMXBeanProxy(SERVER, name, WeftRuntimeMXBean.class);
                assertThat(proxy.getProcs()).isEqualTo(3);
                assertThat(proxy.getLocalQueueLengths()).hasSize(3);
            }
        } finally {
            gate.close();
            rt.close();
        }
        assertThat(SERVER.isRegistered(name)).isFalse();
    }

    @Test
    void runtimesWithTheSameNameGetDistinctBeans() throws Exception {
        try (Weft a = Weft.builder().procs(1).name("twin").build();
             Weft b = Weft.builder().procs(1).name("twin").build()) {
            a.go(() -> { }).join();
            assertThat(SERVER.isRegistered(new ObjectName("dev.weft:type=Runtime,name=twin"))).isTrue();
            assertThat(SERVER.isRegistered(new ObjectName("dev.weft:type=Runtime,name=twin-2"))).isTrue();
            assertThat((Long) SERVER.getAttribute(new ObjectName("dev.weft:type=Runtime,name=twin"), "GoroutinesCreated"))
                    .isEqualTo(1L);
            assertThat((Long) SERVER.getAttribute(new ObjectName("dev.weft:type=Runtime,name=twin-2"), "GoroutinesCreated"))
                    .isZero();
        }
        assertThat(SERVER.queryNames(new ObjectName("dev.weft:type=Runtime,name=twin*"), null)).isEmpty();
    }

    /**
     * Run in a JVM of its own, where nothing made the platform MBean server before the runtime:
     * the bean is registered in the background, then unregistered after close; it waits for both
     * with a listener on the server's registration notifications.
     */
    public static final class LateJmxProgram {
        public static void main(String[] args) throws Exception {
            Weft rt = Weft.builder().procs(1).name("late-jmx").build();
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.weft:type=Runtime,name=late-jmx");
            CountDownLatch registered = new CountDownLatch(1);
            CountDownLatch unregistered = new CountDownLatch(1);
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, hb) -> {
                if (n instanceof MBeanServerNotification m && m.getMBeanName().equals(name)) {
                    (m.getType().equals(MBeanServerNotification.REGISTRATION_NOTIFICATION) ? registered : unregistered)
                            .countDown();
                }
            }, null, null);
            if (!server.isRegistered(name)) {
                registered.await(30, TimeUnit.SECONDS); // a safety net: the notification ends the wait
            }
            System.out.println("registered=" + server.isRegistered(name) + " goroutines="
                    + server.getAttribute(name, "Goroutines"));
            rt.close();
            if (server.isRegistered(name)) {
                unregistered.await(30, TimeUnit.SECONDS);
            }
            System.out.println("after close registered=" + server.isRegistered(name));
        }
    }

    @Test
    void aRuntimeBuiltBeforeJmxStartedGetsItsBeanInTheBackground() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-opens=java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), LateJmxProgram.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("registered=true goroutines=0", "after close registered=false");
    }

    @Test
    void aCloseThatTimesOutKeepsTheBean() throws Exception {
        Chan<Integer> gate = Chan.make();
        Weft rt = Weft.builder().procs(1).name("slow-close").detectDeadlocks(false).build();
        ObjectName name = new ObjectName("dev.weft:type=Runtime,name=slow-close");
        Goroutine g = rt.go(gate::recv);
        assertThat(rt.close(Duration.ofMillis(1))).isFalse();
        assertThat(SERVER.isRegistered(name)).isTrue();
        gate.close();
        g.join();
        assertThat(rt.close(Duration.ofSeconds(30))).isTrue();
        assertThat(SERVER.isRegistered(name)).isFalse();
    }
}
