/**
 * Timers: a 4-ary min-heap per P ({@link dev.weft.internal.timer.TimerHeap}) of
 * {@link dev.weft.internal.timer.TimerEntry}s. The heap only orders entries and hands back the
 * ones that are due; what a timer does when it fires (ready a sleeping goroutine, send on a
 * channel) is its callback's business, supplied by the layers above.
 */
package dev.weft.internal.timer;
