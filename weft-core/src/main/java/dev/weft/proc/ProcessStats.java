package dev.weft.proc;

import dev.weft.ContextSwitches;
import java.time.Duration;

/**
 * A racy snapshot of what a process's threads have used.
 *
 * <p>The root process's run time and switches are not measured: they read zero. Measuring them
 * would cost every goroutine outside a process two clock reads a switch (a process member pays
 * them; a goroutine outside any process pays a null check), about 20 ns each where the tracer's
 * clock reads were measured (docs/BENCHMARKS.md), against a round trip of a few hundred.
 * {@code Weft.stats()} counts every goroutine's switches, the root's included.
 *
 * @param runTime  time its goroutines spent mounted on carriers (M_N and N_1); under ONE_TO_ONE,
 *                 the CPU time of its threads that have ended; zero for the root process
 * @param switches its goroutines' context switches by reason (none are counted under ONE_TO_ONE,
 *                 where the kernel switches threads); zero for the root process
 * @param threads  threads alive now
 * @param handles  handles open now
 */
public record ProcessStats(Duration runTime, ContextSwitches switches, int threads, int handles) {}
