/**
 * Run queues, generic in the element type so they can be tested on their own: the per-P
 * lock-free {@link dev.weft.internal.queue.LocalRunQueue} (ring plus runnext) and the shared
 * {@link dev.weft.internal.queue.GlobalRunQueue}. Nothing here knows about threads or Gs.
 */
package dev.weft.internal.queue;
