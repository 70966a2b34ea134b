package dev.weft;

import dev.weft.internal.sched.SchedStats;
import dev.weft.internal.sched.SwitchReason;
import dev.weft.management.WeftRuntimeMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * A runtime's {@link WeftRuntimeMXBean}: registered with the platform MBean server by
 * {@link #register} when the runtime is built, unregistered by {@link #unregister} once it has
 * stopped. Registration never fails the runtime: a JVM without a working MBean server (or a
 * security policy that forbids it) runs without the bean, and the failure is logged.
 *
 * <p><b>When.</b> Creating the platform MBean server costs some 200 ms (measured here), which
 * weft does not add to the start of every program. If the JVM has one already (JMX in use, a
 * management agent, {@code jconsole} attached), the bean is registered at once, in the builder's
 * thread; otherwise one daemon thread ({@code weft-jmx}, gone after 10 idle seconds) registers it
 * in the background, and a {@code jconsole} that attaches later finds it. That thread also does
 * those beans' unregistrations, after their registrations (one FIFO queue).
 */
final class RuntimeBean implements WeftRuntimeMXBean {
    private static final System.Logger LOG = System.getLogger("dev.weft");

    /** The background registrar (see the class comment); created on first use. */
    private static final class Registrar {
        static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "weft-jmx");
                    t.setDaemon(true);
                    return t;
                });

        static {
            EXECUTOR.allowCoreThreadTimeOut(true);
        }
    }

    private final Weft rt;
    private final boolean background;
    /** Set once registered; null before, or if JMX refused. */
    private volatile ObjectName objectName;

    private RuntimeBean(Weft rt, boolean background) {
        this.rt = rt;
        this.background = background;
    }

    /** Registers a bean for {@code rt}, at once or in the background (class comment); returns it. */
    static RuntimeBean register(Weft rt) {
        RuntimeBean bean = new RuntimeBean(rt, MBeanServerFactory.findMBeanServer(null).isEmpty());
        if (bean.background) {
            Registrar.EXECUTOR.execute(bean::registerNow);
        } else {
            bean.registerNow();
        }
        return bean;
    }

    private void registerNow() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (int k = 1; ; k++) {
                String name = k == 1 ? rt.name() : rt.name() + "-" + k;
                ObjectName on = new ObjectName("dev.weft:type=Runtime,name=" + quoteIfNeeded(name));
                try {
                    server.registerMBean(this, on);
                    objectName = on;
                    return;
                } catch (InstanceAlreadyExistsException taken) {
                    // another runtime of the JVM has this name: try the next suffix
                }
            }
        } catch (JMException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "weft: runtime '" + rt.name() + "' has no JMX bean: " + e);
        }
    }

    private static String quoteIfNeeded(String name) {
        for (char c : name.toCharArray()) {
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') {
                return ObjectName.quote(name);
            }
        }
        return name;
    }

    void unregister() {
        if (background) {
            Registrar.EXECUTOR.execute(this::unregisterNow); // after the registration, queued first
        } else {
            unregisterNow();
        }
    }

    private void unregisterNow() {
        ObjectName on = objectName;
        if (on == null) {
            return; // never registered (refused), or unregistered already (a second close)
        }
        objectName = null;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
        } catch (InstanceNotFoundException gone) {
            // unregistered already
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "weft: could not unregister " + on + ": " + e);
        }
    }

    private SchedStats s() {
        return rt.sched.stats();
    }

    @Override
    public String getName() {
        return rt.name();
    }

    @Override
    public String getModel() {
        return rt.model().name();
    }

    @Override
    public String getPolicy() {
        return rt.policy().name();
    }

    @Override
    public long getGoroutines() {
        return rt.goroutineCount();
    }

    @Override
    public long getGoroutinesCreated() {
        return s().created();
    }

    @Override
    public int getProcs() {
        return s().procs();
    }

    @Override
    public int getThreads() {
        return s().threads();
    }

    @Override
    public int getSpinningThreads() {
        return s().spinning();
    }

    @Override
    public int getIdleThreads() {
        return s().idleThreads();
    }

    @Override
    public int getIdleProcs() {
        return s().idleProcs();
    }

    @Override
    public int getGlobalQueueLength() {
        return s().globalRunq();
    }

    @Override
    public int[] getLocalQueueLengths() {
        return s().localRunq();
    }

    @Override
    public long getContextSwitches() {
        return s().switches();
    }

    @Override
    public Map<String, Long> getSwitchesByReason() {
        long[] r = s().switchReasons();
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < r.length; i++) {
            m.put(SwitchReason.name(i), r[i]);
        }
        return m;
    }

    @Override
    public long getSteals() {
        return s().steals();
    }

    @Override
    public long getHandoffs() {
        return s().syscallHandoffs();
    }

    @Override
    public long getRetakes() {
        SchedStats s = s();
        return s.hogRetakes() + s.blockedRetakes();
    }

    @Override
    public long getPreemptions() {
        SchedStats s = s();
        return s.preemptRequests() + s.priorityPreemptRequests();
    }

    @Override
    public long getBoosts() {
        return s().starvationBoosts();
    }

    @Override
    public String dump() {
        return rt.dump();
    }

    @Override
    public int setProcs(int procs) {
        int before = rt.procs();
        rt.setProcs(procs);
        return before;
    }
}
