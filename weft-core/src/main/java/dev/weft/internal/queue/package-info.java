/**
 * Run queues, generic in the element type so they can be tested on their own: the per-P
 * lock-free {@link dev.weft.internal.queue.LocalRunQueue} (ring plus runnext) and the shared
 * {@link dev.weft.internal.queue.GlobalRunQueue} of the FIFO policy, and the 32-level
 * {@link dev.weft.internal.queue.PriorityRunQueue} that the PRIORITY policy uses per P and
 * globally. Nothing here knows about threads or Gs.
 */
package dev.weft.internal.queue;
