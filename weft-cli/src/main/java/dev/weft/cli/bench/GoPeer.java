package dev.weft.cli.bench;

import dev.weft.workloads.Peer;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.Workload;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Go as a peer: the same workloads as Go programs ({@code bench/go/main.go}), built once with
 * {@code go build} into the output folder and run as a child process per measured run, with
 * {@code GOMAXPROCS} set to the workload's processors and the same sizes as weft's. The Go
 * program times and checks itself and prints {@code RAW <nanoseconds>}; process start-up is
 * not in the figure. One process per run keeps Go in the harness's alternation; each process
 * first runs the workload once unmeasured ({@code -warmup}), so Go's heap, goroutine stacks
 * and timers have grown as the JVM peers' have after their warm-ups.
 */
final class GoPeer implements Peer {
    /**
     * Workloads with no Go counterpart: they measure something of the JVM's (starting virtual
     * threads from a platform thread, LockSupport, the JDK's rendezvous classes).
     */
    private static final Set<Workload> JVM_ONLY = EnumSet.of(Workload.SPAWN_PLATFORM, Workload.PARK_PING_PONG,
            Workload.SYNCHRONOUS_QUEUE, Workload.TRANSFER_QUEUE, Workload.EXCHANGER);

    private final Path binary;

    private GoPeer(Path binary) {
        this.binary = binary;
    }

    /** What {@link #build} found: the peer and {@code go version}, or no peer and why. */
    record Built(Optional<GoPeer> peer, String note) {}

    /**
     * Builds {@code <root>/bench/go} into {@code outDir}; without a {@code go} command on the
     * PATH, or if the build fails, returns no peer and says why.
     */
    static Built build(Path root, Path outDir) {
        return build(root, outDir, "go");
    }

    /** {@link #build(Path, Path)} with the Go command {@code go} (a path, or a name looked up on the PATH). */
    static Built build(Path root, Path outDir, String go) {
        Path src = root.resolve("bench/go");
        if (!Files.isRegularFile(src.resolve("main.go"))) {
            return new Built(Optional.empty(), "Go skipped: no Go sources at " + src);
        }
        String version;
        try {
            version = run(List.of(go, "version"), src, 60).trim();
        } catch (IOException e) {
            return new Built(Optional.empty(),
                    "Go skipped: no `go` command on the PATH (install a Go toolchain, e.g. apt-get install golang-go)");
        }
        Path bin = outDir.toAbsolutePath().resolve("weft-bench-go");
        try {
            run(List.of(go, "build", "-o", bin.toString(), "."), src, 300);
        } catch (IOException e) {
            return new Built(Optional.empty(), "Go skipped: `go build` in " + src + " failed: " + e.getMessage());
        }
        return new Built(Optional.of(new GoPeer(bin)), version);
    }

    @Override
    public String id() {
        return "go";
    }

    @Override
    public String label() {
        return "Go";
    }

    @Override
    public boolean applies(Workload w) {
        return runsInGo(w);
    }

    /** Whether bench/go has this workload. */
    static boolean runsInGo(Workload w) {
        return !JVM_ONLY.contains(w);
    }

    @Override
    public boolean osThreads() {
        return false;
    }

    @Override
    public double measure(Workload w, Sizes s) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-reps", "1", "-warmup=true", "-raw"));
        cmd.addAll(arguments(w, s));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("GOMAXPROCS", Integer.toString(w.procsHere()));
        try {
            String out = run(pb, 600);
            String line = out.lines().filter(l -> l.startsWith("RAW ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Go printed no RAW line: " + out));
            return w.value(Long.parseLong(line.substring(4).trim()), s);
        } catch (IOException e) {
            throw new IllegalStateException("Go " + w.id() + " failed: " + e.getMessage(), e);
        }
    }

    /** The Go program's flags for one workload at these sizes. */
    static List<String> arguments(Workload w, Sizes s) {
        return switch (w) {
            case SPAWN -> List.of("-w", "spawn", "-spawn", str(s.spawn()));
            case SKYNET -> List.of("-w", "skynet", "-leaves", str(s.skynetLeaves()));
            case PING_PONG_1, PING_PONG_2 -> List.of("-w", "pingpong", "-rounds", str(s.rounds()));
            case RING -> List.of("-w", "ring", "-hops", str(s.hops()));
            case FAN_IN -> List.of("-w", "fanin", "-producers", str(s.producers()));
            case FIB -> List.of("-w", "fib", "-fib", str(s.fib()));
            case SLEEPERS -> List.of("-w", "sleepers", "-sleepers", str(s.sleepers()));
            case YIELD_2 -> List.of("-w", "yield", "-tasks", "2", "-yields", str(s.yields()));
            case YIELD_1000 -> List.of("-w", "yield", "-tasks", "1000", "-yields", str(s.yields()));
            case MIXED -> List.of("-w", "mixed", "-mixedrounds", str(s.mixedRounds()), "-hogs", str(Workload.mixedHogs()));
            case SPAWN_PLATFORM, PARK_PING_PONG, SYNCHRONOUS_QUEUE, TRANSFER_QUEUE, EXCHANGER ->
                    throw new IllegalArgumentException("Go has no " + w.id() + " workload: it does not apply there");
        };
    }

    private static String str(int v) {
        return Integer.toString(v);
    }

    private static String run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException {
        return run(new ProcessBuilder(cmd).directory(dir.toFile()), timeoutSeconds);
    }

    /**
     * Runs a process to its end; its stdout, or an IOException carrying its stderr when it fails.
     * Both go to files, so a hung child cannot block a read and the timeout holds.
     */
    private static String run(ProcessBuilder pb, int timeoutSeconds) throws IOException {
        File err = File.createTempFile("weft-bench-go", ".err");
        File outFile = File.createTempFile("weft-bench-go", ".out");
        Process p = null;
        try {
            p = pb.redirectError(err).redirectOutput(outFile).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", pb.command()) + " ran past " + timeoutSeconds + " s");
            }
            String out = Files.readString(outFile.toPath(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", pb.command()) + " exited " + p.exitValue() + ": "
                        + Files.readString(err.toPath()).strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly(); // timed out or interrupted: leave no child behind
            }
            Files.deleteIfExists(outFile.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }
}
