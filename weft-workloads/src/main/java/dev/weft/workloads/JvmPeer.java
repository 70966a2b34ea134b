package dev.weft.workloads;

import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The peers that run in this JVM, under the ids both {@code weft bench --peers} and the JMH
 * {@code peer} parameter use. Each weft configuration is a customiser of {@link Weft.Builder}
 * (the caller sets the processors) that names its model and policy even where they are the
 * defaults, so that {@code -Dweft.model} cannot change what a row means. Each measured run gets
 * a fresh engine, built and closed outside the timed part.
 */
public enum JvmPeer implements Peer {
    WEFT("weft", "weft M:N FIFO", false, b -> b.model(ThreadingModel.M_N).policy(SchedulingPolicy.FIFO)),
    WEFT_PRIORITY("weft-priority", "weft M:N PRIORITY", false,
            b -> b.model(ThreadingModel.M_N).policy(SchedulingPolicy.PRIORITY)),
    /** One processor: runs the workloads defined for all the machine's processors on its one, not those pinned above 1. */
    WEFT_N1("weft-n1", "weft N:1", false, b -> b.model(ThreadingModel.N_1).policy(SchedulingPolicy.FIFO)),
    WEFT_1TO1("weft-1to1", "weft 1:1", true, b -> b.model(ThreadingModel.ONE_TO_ONE).policy(SchedulingPolicy.FIFO)),
    VTHREAD("vthread", "JDK virtual threads", false, JdkEngine::virtualThreads),
    PLATFORM("platform", "JDK platform threads", true, JdkEngine::platformThreads);

    private final String id;
    private final String label;
    private final boolean osThreads;
    /** For weft entries: how this configuration differs from the default builder; null for the JDK. */
    private final UnaryOperator<Weft.Builder> weft;
    private final Supplier<Engine> jdk;

    JvmPeer(String id, String label, boolean osThreads, UnaryOperator<Weft.Builder> weft) {
        this.id = id;
        this.label = label;
        this.osThreads = osThreads;
        this.weft = weft;
        this.jdk = null;
    }

    JvmPeer(String id, String label, boolean osThreads, Supplier<Engine> jdk) {
        this.id = id;
        this.label = label;
        this.osThreads = osThreads;
        this.weft = null;
        this.jdk = jdk;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public boolean applies(Workload w) {
        return this != WEFT_N1 || w.procs() <= 1;
    }

    @Override
    public boolean osThreads() {
        return osThreads;
    }

    public boolean isWeft() {
        return weft != null;
    }

    @Override
    public double measure(Workload w, Sizes s) {
        try (Engine e = engine(w.procsHere())) {
            return w.measure(e, s);
        }
    }

    /**
     * A fresh engine of this peer. {@code procs} sets weft's processors; the JDK's virtual
     * threads run on the JVM-wide default scheduler, whose parallelism only
     * {@code -Djdk.virtualThreadScheduler.parallelism} sets, and platform threads on the kernel.
     */
    public Engine engine(int procs) {
        return weft != null ? new WeftEngine(weft.apply(Weft.builder().procs(procs).name("bench-" + id))) : jdk.get();
    }

    /** @throws IllegalArgumentException naming the known ids */
    public static JvmPeer byId(String id) {
        for (JvmPeer p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown peer '" + id + "' (known: " + ids() + ")");
    }

    /** Every id, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(p -> p.id).collect(Collectors.joining(", "));
    }
}
