/**
 * Go's {@code time} package for goroutines: {@link dev.weft.time.Timer},
 * {@link dev.weft.time.Ticker} and {@link dev.weft.time.Time#after}, on the scheduler's per-P
 * timer heaps. {@code Go.sleep} and {@code Select.after} use the same heaps.
 *
 * <p>A timer started by a goroutine lives on that goroutine's processor and fires from its
 * schedule loop, so the goroutine it wakes runs next there; one started by any other thread
 * lives on the default runtime.
 */
package dev.weft.time;
