package dev.weft.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a bench ran, printed beside its figures: numbers from another machine or JDK do not
 * compare.
 *
 * @param vthreadParallelism the default virtual-thread scheduler's carriers, fixed for the whole
 *                           JVM (so the vthread peer runs every workload, procs-1 ones included,
 *                           on this many)
 * @param go                 {@code go version}, or why Go did not run
 */
record Machine(String os, String cpu, int cpus, long memoryMiB, String jdk, int vthreadParallelism, String go) {

    static Machine probe(String go) {
        int cpus = Runtime.getRuntime().availableProcessors();
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() >> 20 : -1;
        return new Machine(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"), cpuModel(), cpus, memory,
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                parallelism != null ? Integer.parseInt(parallelism) : cpus, go);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
