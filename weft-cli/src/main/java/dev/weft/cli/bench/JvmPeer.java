package dev.weft.cli.bench;

import dev.weft.Weft;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The peers that run in this JVM. Each weft configuration is one entry: a customiser of
 * {@link Weft.Builder} (the harness sets the processors per workload). Each run gets a fresh
 * engine, built and closed outside the timed part.
 */
enum JvmPeer implements Peer {
    WEFT("weft", "weft M:N FIFO", false, b -> b),
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
        return true;
    }

    @Override
    public boolean osThreads() {
        return osThreads;
    }

    boolean isWeft() {
        return weft != null;
    }

    @Override
    public double measure(Workload w, Sizes s) {
        try (Engine e = engine(w)) {
            return w.measure(e, s);
        }
    }

    private Engine engine(Workload w) {
        return weft != null ? new WeftEngine(weft.apply(Weft.builder().procs(w.procsHere()))) : jdk.get();
    }

    static JvmPeer byId(String id) {
        for (JvmPeer p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown peer '" + id + "' (known: " + ids() + ", go)");
    }

    static String ids() {
        return Arrays.stream(values()).map(p -> p.id).collect(Collectors.joining(", "));
    }
}
