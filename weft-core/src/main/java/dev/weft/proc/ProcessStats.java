package dev.weft.proc;

import dev.weft.ContextSwitches;
import java.time.Duration;

/**
 * A racy snapshot of what a process's threads have used.
 *
 * @param runTime  time its goroutines spent mounted on carriers (M_N and N_1); under ONE_TO_ONE,
 *                 the CPU time of its threads that have ended
 * @param switches its goroutines' context switches by reason (none are counted under ONE_TO_ONE,
 *                 where the kernel switches threads)
 * @param threads  threads alive now
 * @param handles  handles open now
 */
public record ProcessStats(Duration runTime, ContextSwitches switches, int threads, int handles) {}
