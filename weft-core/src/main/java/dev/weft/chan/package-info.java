/**
 * Go's channels and {@code select} for goroutines and platform threads alike.
 *
 * <p>{@link dev.weft.chan.Chan} is Go's {@code hchan}: one lock per channel over a ring buffer and
 * two FIFO queues of parked operations ({@code Waiter}, Go's {@code sudog}); a send to a parked
 * receiver hands the value over directly. {@link dev.weft.chan.Select} is Go's {@code selectgo}:
 * random poll order, channel locks in a global id order, one waiter per case sharing a CAS claim
 * ({@code Selection}) so exactly one case fires, and cleanup of the losers.
 *
 * <p>Rejected: a lock-free segment-list channel (kotlinx.coroutines' BufferedChannel). It is
 * faster under contention but makes select a multi-phase protocol across channels; a lock per
 * channel keeps select's atomic snapshot simple, and weft's cost is dominated by the park/unpark
 * round trip, not by an uncontended lock.
 *
 * <p>Every wait goes through {@link dev.weft.internal.sched.Parking}: publish the waiter under the
 * channel lock, unlock, park in a loop on a volatile completion flag. A waker completes the waiter
 * under the lock and readies it only after unlocking, so the woken goroutine (which lands in the
 * waker's runnext) never spins into a lock its waker still holds.
 */
package dev.weft.chan;
