/**
 * Thread pools on goroutines: {@link dev.weft.pool.ThreadPool}, a bounded set of worker goroutines
 * that runs work ({@code ExecutorService}), timer callbacks ({@code ScheduledExecutorService}, on
 * weft's timers) and wait callbacks (a value received from a {@link dev.weft.chan.Chan}, a
 * {@link dev.weft.sync.WaitGroup} reaching zero), the thread pool of the scheduler notes
 * (issue 14).
 *
 * <p>The pool is built on weft's public primitives ({@code Mutex} for its state, a
 * {@code Chan} per idle worker for parking, {@code Select} with {@code after} for keep-alive,
 * timers and wait callbacks), so it behaves the same under the three threading models and the
 * scheduler can change under it. The one internal call holds a process's cancellation off while
 * the pool's bookkeeping completes on the way out of a worker whose process is ending.
 */
package dev.weft.pool;
