/**
 * Go's {@code sync} package for goroutines: {@link dev.weft.sync.Mutex}, {@link
 * dev.weft.sync.RWMutex}, {@link dev.weft.sync.WaitGroup}, {@link dev.weft.sync.Once}, {@link
 * dev.weft.sync.Cond}, and a weighted {@link dev.weft.sync.Semaphore} (Go's x/sync/semaphore).
 *
 * <p>Each waits by parking through {@link dev.weft.internal.sched.Parking}, so a waiting goroutine
 * unmounts and frees its carrier, and a platform thread simply blocks; the wait reason shows in
 * goroutine dumps. The mutex family builds, as in Go, on a counting semaphore ({@code Sema}) whose
 * release may come before the matching acquire, so the lock-free state words above it never have
 * to sleep while holding a lock. Cond and Semaphore keep their own FIFO queue of {@code WaitNode}s
 * under a short internal lock.
 *
 * <p>None of the waits is interruptible (as in Go): an interrupt neither ends nor spins a wait,
 * and the interrupt status is restored when the wait ends.
 */
package dev.weft.sync;
