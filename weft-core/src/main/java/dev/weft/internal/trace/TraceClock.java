package dev.weft.internal.trace;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The clock trace events are stamped with: the processor's time-stamp counter where that is safe
 * and reachable, else {@code System.nanoTime}.
 *
 * <p><b>Why not always nanoTime.</b> A switch records one timed event (its stop), and a channel
 * ping-pong switches every 200 ns: {@code System.nanoTime} (a vDSO {@code clock_gettime}, which
 * orders the counter read with a fence) costs 20 ns inside a switch, half of what recording adds
 * to a round trip. Go's tracer and JFR read the counter itself ({@code cputicks}, JFR's fast time
 * stamps). Java has no instruction for it, so on Linux x86-64 this class maps a page of ten bytes of
 * machine code ({@code rdtsc; shl rdx,32; or rax,rdx; ret}: written while the page is writable,
 * then made executable and read-only) and calls it through the FFM API as a critical downcall, which
 * makes no thread-state transition: 8 to 15 ns a read against nanoTime's 20 on the machines it was
 * measured on, of which the instruction itself is about 8 (a C loop of {@code rdtsc}) and the
 * downcall the rest.
 *
 * <p><b>When the counter is used.</b> All of: Linux on x86-64; the kernel's clock source is
 * {@code tsc} (the kernel has checked that the counter runs at a constant rate and is synchronised
 * across CPUs, and its own monotonic clock is built on it); native access is enabled for weft's
 * module ({@code --enable-native-access}, as the launcher and the build pass; without it the JDK
 * would warn at the first downcall, so weft does not try); the page could be mapped and made
 * executable; and {@code -Dweft.trace.clock} is {@code auto} (the default), not {@code nanotime}. Otherwise, or if anything
 * fails on the way, nanoTime, silently: only the recording's cost differs, never its content.
 *
 * <p><b>{@code -Dweft.trace.clock=tsc}</b> reads the counter even where the kernel keeps its own
 * clock off it: a virtual machine whose kernel was booted with {@code tsc=unstable} and tells time
 * with {@code kvm-clock} (a paravirtual clock that is itself computed from this counter, at about
 * three times a bare read's cost: 27 ns against 11 on the Firecracker machines the project is
 * measured on). The kernel's caution is about counters that disagree across CPUs or jump when a
 * machine is moved or restored; on such a machine the events of different carriers may be ordered
 * by their counters' disagreement, which is the user's call to accept. If the counter cannot be
 * read at all (not Linux x86-64, no native access), a recording refuses to start and says so.
 *
 * <p><b>Units.</b> Buffers hold raw readings relative to their recording's start ({@link #now}
 * minus the start's reading); {@link TraceSession} converts them to nanoseconds when the file is
 * written, with the rate measured between this class's initialisation and the recording's stop (a
 * baseline of the program's life so far, against the nanoTime reads taken at both ends). The
 * conversion is monotonic, so the order of events, which is all {@link EventTimes} looks at, is the
 * raw readings' order.
 */
public final class TraceClock {
    private TraceClock() {}

    // Linux x86-64 values of <sys/mman.h>.
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final long PAGE = 4096;
    /**
     * rdtsc; shl rdx, 32; or rax, rdx; ret: the 64-bit counter in rax, the return register. Declared before
     * {@link #COUNTER}: static fields are initialised in the order written.
     */
    private static final byte[] READ_TSC = {0x0F, 0x31, 0x48, (byte) 0xC1, (byte) 0xE2, 0x20, 0x48, 0x09, (byte) 0xD0,
        (byte) 0xC3};

    /**
     * What {@code -Dweft.trace.clock} says, if it names no clock: a recording then refuses to start
     * with this message ({@link #checkConfiguration}), rather than the class failing to initialise
     * (an error there would break every runtime of the JVM, not just tracing).
     */
    private static final String MODE = System.getProperty("weft.trace.clock", "auto");
    private static final String UNKNOWN_MODE_ERROR = configurationError(MODE);
    /** The counter read, or null where nanoTime is the clock. A constant: the JIT folds the test. */
    private static final MethodHandle COUNTER = UNKNOWN_MODE_ERROR != null ? null : counterOrNull(MODE);
    /** The counter was asked for by name and cannot be had: a recording refuses to start, saying why. */
    private static final String CONFIGURATION_ERROR = UNKNOWN_MODE_ERROR != null ? UNKNOWN_MODE_ERROR
            : MODE.equals("tsc") && COUNTER == null
            ? "weft: -Dweft.trace.clock=tsc: the time-stamp counter cannot be read here (it needs Linux on x86-64"
              + " and native access for weft: --enable-native-access=ALL-UNNAMED)"
            : null;
    /** A pair of readings (nanoTime, clock) taken together at initialisation: the rate's baseline. */
    private static final long BASE_NANOS;
    private static final long BASE_TICKS;

    static {
        for (int i = 0; i < 1_000; i++) {
            now(); // the read's call site compiled, or at least linked, before the baseline
        }
        long[] pair = pair();
        BASE_NANOS = pair[0];
        BASE_TICKS = pair[1];
    }

    /**
     * Throws if {@code -Dweft.trace.clock} names no clock; called when a recording is created.
     *
     * @throws IllegalArgumentException naming the property and the values it takes
     */
    public static void checkConfiguration() {
        if (CONFIGURATION_ERROR != null) {
            throw new IllegalArgumentException(CONFIGURATION_ERROR);
        }
    }

    private static String configurationError(String mode) {
        return mode.equals("auto") || mode.equals("nanotime") || mode.equals("tsc") ? null
                : "weft: -Dweft.trace.clock=" + mode + " is not one of auto, tsc, nanotime";
    }

    /** The current reading: counter ticks or nanoseconds (see {@link #source}). Any thread. */
    public static long now() {
        if (COUNTER != null) {
            try {
                return (long) COUNTER.invokeExact();
            } catch (Throwable t) {
                throw new AssertionError("weft: the time-stamp counter read failed", t); // it has no way to
            }
        }
        return System.nanoTime();
    }

    /** What {@link #now} reads: the file's metadata says it ({@code otherData.clock}). */
    public static String source() {
        return COUNTER != null ? "tsc" : "nanotime";
    }

    /**
     * Nanoseconds per clock unit, measured now against the baseline taken at initialisation (1 for
     * nanoTime). Called when a recording stops.
     */
    static double nanosPerTick() {
        if (COUNTER == null) {
            return 1.0;
        }
        long[] pair = pair();
        long ticks = pair[1] - BASE_TICKS;
        return ticks <= 0 ? 1.0 : (double) (pair[0] - BASE_NANOS) / ticks;
    }

    /**
     * nanoTime and the clock read together: the clock between two nanoTime reads, the tightest of
     * a few tries (a preemption between the reads would skew one by its length).
     */
    private static long[] pair() {
        long best = Long.MAX_VALUE;
        long[] out = new long[2];
        for (int i = 0; i < 5; i++) {
            long n0 = System.nanoTime();
            long t = now();
            long n1 = System.nanoTime();
            if (n1 - n0 < best) {
                best = n1 - n0;
                out[0] = n0 + (n1 - n0) / 2;
                out[1] = t;
            }
        }
        return out;
    }

    /**
     * The counter's method handle if {@code mode} is {@code auto} and every condition of the class
     * comment holds, or {@code tsc} and all but the kernel's holds; else null. Package-private for
     * the tests.
     */
    static MethodHandle counterOrNull(String mode) {
        if (!mode.equals("auto") && !mode.equals("tsc")) {
            return null;
        }
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))
                || !TraceClock.class.getModule().isNativeAccessEnabled() || (mode.equals("auto") && !kernelClockIsTsc())) {
            return null;
        }
        try {
            return mapCounterRead();
        } catch (Throwable t) { // LinkageError, or the mapping refused: the clock stays nanoTime
            return null;
        }
    }

    private static boolean kernelClockIsTsc() {
        try {
            return Files.readString(Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource"))
                    .strip().equals("tsc");
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static MethodHandle mapCounterRead() throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MethodHandle mprotect = linker.downcallHandle(libc.find("mprotect").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MemorySegment page = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, PAGE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        if (page.address() == -1L || page.address() == 0L) {
            return null; // MAP_FAILED
        }
        MemorySegment code = page.reinterpret(PAGE);
        MemorySegment.copy(READ_TSC, 0, code, ValueLayout.JAVA_BYTE, 0, READ_TSC.length);
        // Never writable and executable at once (W^X): a kernel that refuses executable anonymous
        // memory fails here, and the clock stays nanoTime. The page lives as long as the class.
        if ((int) mprotect.invokeExact(page, PAGE, PROT_READ | PROT_EXEC) != 0) {
            return null;
        }
        MethodHandle read = linker.downcallHandle(page, FunctionDescriptor.of(ValueLayout.JAVA_LONG),
                Linker.Option.critical(false));
        long a = (long) read.invokeExact();
        long b = (long) read.invokeExact();
        return a > 0 && b >= a ? read : null; // a counter that runs forwards, or none
    }
}
