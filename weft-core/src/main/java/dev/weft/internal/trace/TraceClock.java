package dev.weft.internal.trace;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The clock trace events are stamped with: the processor's time-stamp counter where that is safe
 * and reachable, bare or through the hypervisor's clock page, else {@code System.nanoTime}.
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
 * <p><b>Under kvm-clock.</b> A KVM guest whose kernel keeps its clock off the counter (booted with
 * {@code tsc=unstable}, as the Firecracker machines this project is measured on are) tells time
 * with {@code kvm-clock}: the hypervisor publishes, in a page the kernel maps into every process
 * for the vDSO ({@code [vvar_vclock]}), a counter reading, the time at it and the rate, and
 * {@code clock_gettime} computes the time from those and a fenced counter read. There nanoTime
 * costs 30 ns against the bare counter's 12. With {@code auto}, this class does what the vDSO
 * does, with an unfenced read: 12.3 ns. It does so only while the page's stable bit says the
 * host keeps every CPU's counter in step (as the vDSO requires), and only if the page is found and
 * keeps nanoTime's pace when the class initialises; a read that finds the host updating the page
 * waits for the update, as the vDSO does, and one that finds the bit cleared takes nanoTime
 * instead (on the page's scale). The counter read being unfenced, it may run before loads that
 * precede it in program order: a carrier that stamps an event right after it sees another's
 * store (a wake-up, a queue's put) may stamp it a little before that other carrier's earlier
 * stamp. This session's probe (threads publishing their reads through one contended variable on
 * the 2-vCPU machine) saw such reads run up to 0.3 to 0.9 us back, rarely 26 us; the fenced
 * nanoTime and a fenced counter read never did. The times are the kernel's own
 * kvm-clock nanoseconds, so a counter that jumps (a machine restored on another host) moves them
 * no more than it moves nanoTime.
 *
 * <p><b>{@code -Dweft.trace.clock=tsc}</b> reads the counter bare wherever it can be read, whatever
 * the kernel's clock: the cheapest stamps, but where the kernel distrusts the counter the events of
 * different carriers may be ordered by their counters' disagreement, which is the user's call. If
 * the counter cannot be read at all (not Linux x86-64, no native access), a recording with
 * {@code tsc} refuses to start and says so.
 *
 * <p><b>Units.</b> Buffers hold raw readings (counter ticks, or kvm-clock's or nanoTime's
 * nanoseconds) relative to their recording's start ({@link #now} minus the start's reading);
 * {@link TraceSession} converts them to nanoseconds when the file is written, with the rate
 * measured between this class's initialisation and the recording's stop (a baseline of the
 * program's life so far, against the nanoTime reads taken at both ends). The conversion is
 * monotonic, so the order of events, which is all {@link EventTimes} looks at, is the raw
 * readings' order.
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
    /** The kernel's clock source ("tsc", "kvm-clock", ...), or "" if it cannot be read. */
    private static final String KERNEL_CLOCK = kernelClock();
    /** The counter read, or null where it is not read at all. */
    private static final MethodHandle COUNTER = UNKNOWN_MODE_ERROR != null ? null : counterOrNull(MODE, KERNEL_CLOCK);
    /** The kvm-clock page where {@code auto} reads the counter through it (class comment), else null. */
    private static final MemorySegment PVCLOCK = COUNTER != null && MODE.equals("auto") && KERNEL_CLOCK.equals("kvm-clock")
            ? pvclockOrNull() : null;
    private static final int NANOTIME = 0, TSC = 1, PV = 2;
    /** What {@link #now} reads. A constant: the JIT folds the tests. */
    private static final int SOURCE = PVCLOCK != null ? PV
            : COUNTER != null && (MODE.equals("tsc") || KERNEL_CLOCK.equals("tsc")) ? TSC : NANOTIME;
    /**
     * nanoTime's reading minus the kvm-clock page's, for the rare read that finds the page
     * without its guarantee (then nanoTime, on the page's scale).
     */
    private static final long PV_TO_NANOTIME = SOURCE == PV ? pvToNanoTime() : 0;
    /** The counter was asked for by name and cannot be had: a recording refuses to start, saying why. */
    private static final String CONFIGURATION_ERROR = UNKNOWN_MODE_ERROR != null ? UNKNOWN_MODE_ERROR
            : MODE.equals("tsc") && COUNTER == null
            ? "weft: -Dweft.trace.clock=tsc: the time-stamp counter cannot be read here (it needs Linux on x86-64"
              + " and native access for weft: --enable-native-access=" + nativeAccessTarget() + ")"
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

    /**
     * Whom {@code --enable-native-access} must name for weft: on the class path the unnamed module
     * ({@code ALL-UNNAMED}), on the module path the module itself, as the JVM only honours that.
     */
    private static String nativeAccessTarget() {
        Module self = TraceClock.class.getModule();
        return self.isNamed() ? self.getName() : "ALL-UNNAMED";
    }

    private static String configurationError(String mode) {
        return mode.equals("auto") || mode.equals("nanotime") || mode.equals("tsc") ? null
                : "weft: -Dweft.trace.clock=" + mode + " is not one of auto, tsc, nanotime";
    }

    /** The current reading: counter ticks or nanoseconds (see {@link #source}). Any thread. */
    public static long now() {
        if (SOURCE == PV) {
            return pvclockNow(PVCLOCK);
        }
        if (SOURCE == TSC) {
            return counter();
        }
        return System.nanoTime();
    }

    private static long counter() {
        try {
            return (long) COUNTER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("weft: the time-stamp counter read failed", t); // it has no way to
        }
    }

    /** What {@link #now} reads: the file's metadata says it ({@code otherData.clock}). */
    public static String source() {
        return SOURCE == PV ? "kvm-clock" : SOURCE == TSC ? "tsc" : "nanotime";
    }

    // The kernel's struct pvclock_vcpu_time_info (arch/x86/include/asm/pvclock-abi.h), the first
    // in the [vvar_vclock] mapping: what the vDSO's clock_gettime reads under kvm-clock.
    private static final long PV_VERSION = 0, PV_TSC_STAMP = 8, PV_SYSTEM_TIME = 16, PV_MUL = 24, PV_SHIFT = 28,
            PV_FLAGS = 29, PV_BYTES = 32;
    /** PVCLOCK_TSC_STABLE_BIT: the host keeps the guest's counters in step, so one page serves every CPU. */
    private static final int PV_STABLE = 1;

    /** {@link #now} under kvm-clock, from the page {@code pv} (the tests pass one of their own). */
    static long pvclockNow(MemorySegment pv) {
        long t = pvclockRead(pv);
        return t != Long.MIN_VALUE ? t : pvclockUpdating(pv);
    }

    /**
     * The cold path of a read that found the page being updated (the host rewrites it every few
     * minutes, in well under a microsecond) or without its stable bit. The first is waited out, as
     * the vDSO does; only the second takes nanoTime on the page's scale: the offset was measured
     * when the class initialised, and nanoTime has drifted from kvm-clock since by NTP's frequency
     * correction (it slews the kernel's monotonic clock, not kvm-clock), by up to 0.5 ms a second.
     */
    private static long pvclockUpdating(MemorySegment pv) {
        for (;;) {
            if ((pv.get(ValueLayout.JAVA_BYTE, PV_FLAGS) & PV_STABLE) == 0) {
                return System.nanoTime() - PV_TO_NANOTIME;
            }
            Thread.onSpinWait();
            long t = pvclockRead(pv);
            if (t != Long.MIN_VALUE) {
                return t;
            }
        }
    }

    /**
     * The kvm-clock's nanoseconds from {@code pv} and one counter read, as the vDSO computes them
     * (a version that is even and unchanged around the reads: the host was not updating the page),
     * or {@link Long#MIN_VALUE} if the page is being updated or has lost its guarantee.
     */
    private static long pvclockRead(MemorySegment pv) {
        int version = pv.get(ValueLayout.JAVA_INT, PV_VERSION);
        VarHandle.loadLoadFence();
        long stamp = pv.get(ValueLayout.JAVA_LONG, PV_TSC_STAMP);
        long base = pv.get(ValueLayout.JAVA_LONG, PV_SYSTEM_TIME);
        long mul = pv.get(ValueLayout.JAVA_INT, PV_MUL) & 0xFFFF_FFFFL;
        int shift = pv.get(ValueLayout.JAVA_BYTE, PV_SHIFT);
        int flags = pv.get(ValueLayout.JAVA_BYTE, PV_FLAGS);
        long tsc = counter();
        VarHandle.loadLoadFence();
        if ((version & 1) != 0 || (flags & PV_STABLE) == 0 || pv.get(ValueLayout.JAVA_INT, PV_VERSION) != version) {
            return Long.MIN_VALUE;
        }
        // The vDSO fences its counter read (that fence is most of nanoTime's cost here); this one
        // is not, so it may run a little before the loads above and find a stamp just updated:
        // then its delta is negative, and the stamp's own time is the nearest right answer.
        long delta = Math.max(0, tsc - stamp);
        delta = shift >= 0 ? delta << shift : delta >>> -shift;
        return base + Math.unsignedMultiplyHigh(delta, mul << 32); // (delta * mul) >> 32
    }

    /**
     * The kvm-clock page, if it can be found and read and keeps time with nanoTime, else null:
     * the mapping named [vvar_vclock] (Linux 6.13 on), whose first page is the pvclock structure
     * when the kernel's clock is kvm-clock. A read of a page the kernel does not serve faults,
     * which the JVM turns into an InternalError.
     */
    private static MemorySegment pvclockOrNull() {
        try {
            MemorySegment pv = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.endsWith("[vvar_vclock]")) {
                    long start = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
                    pv = MemorySegment.ofAddress(start).reinterpret(PV_BYTES);
                }
            }
            if (pv == null) {
                return null;
            }
            for (int i = 0; i < 1_000; i++) {
                pvclockRead(pv); // linked and warm: the first downcall alone takes milliseconds
            }
            // It must run forwards and keep nanoTime's pace over a millisecond (to 10%: both are
            // the kernel's nanoseconds; this catches a page that is not what it is taken for).
            long n0 = System.nanoTime();
            long p0 = pvclockRead(pv);
            long prev = p0;
            while (System.nanoTime() - n0 < 1_000_000) {
                long p = pvclockRead(pv);
                if (p == Long.MIN_VALUE || p < prev) {
                    return null;
                }
                prev = p;
            }
            long n1 = System.nanoTime();
            long p1 = pvclockRead(pv);
            return p0 != Long.MIN_VALUE && p1 != Long.MIN_VALUE && Math.abs((p1 - p0) - (n1 - n0)) < (n1 - n0) / 10
                    ? pv : null;
        } catch (IOException | RuntimeException | InternalError e) {
            return null;
        }
    }

    private static long pvToNanoTime() {
        long best = Long.MAX_VALUE, diff = 0;
        for (int i = 0; i < 5; i++) {
            long n0 = System.nanoTime();
            long p = pvclockRead(PVCLOCK);
            long n1 = System.nanoTime();
            if (p != Long.MIN_VALUE && n1 - n0 < best) {
                best = n1 - n0;
                diff = n0 + (n1 - n0) / 2 - p;
            }
        }
        return diff;
    }

    /**
     * Nanoseconds per clock unit, measured now against the baseline taken at initialisation (1 for
     * nanoTime). Called when a recording stops.
     */
    static double nanosPerTick() {
        if (SOURCE == NANOTIME) {
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
     * The counter's method handle if {@code mode} is {@code auto}, the kernel's clock
     * ({@code kernelClock}) is {@code tsc} or {@code kvm-clock} and every other condition of the
     * class comment holds, or {@code tsc} and those others hold; else null. Package-private for
     * the tests.
     */
    static MethodHandle counterOrNull(String mode, String kernelClock) {
        if (!mode.equals("auto") && !mode.equals("tsc")) {
            return null;
        }
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))
                || !TraceClock.class.getModule().isNativeAccessEnabled()
                || (mode.equals("auto") && !kernelClock.equals("tsc") && !kernelClock.equals("kvm-clock"))) {
            return null;
        }
        try {
            return mapCounterRead();
        } catch (Throwable t) { // LinkageError, or the mapping refused: the clock stays nanoTime
            return null;
        }
    }

    private static String kernelClock() {
        try {
            return Files.readString(Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource")).strip();
        } catch (IOException | SecurityException e) {
            return "";
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
