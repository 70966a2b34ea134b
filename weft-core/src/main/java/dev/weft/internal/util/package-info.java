/**
 * Small shared pieces with no dependencies on the rest of weft: the clock every scheduling
 * decision reads ({@link dev.weft.internal.util.Clock}), the never-parking lock of the
 * scheduler's and the channels' short sections ({@link dev.weft.internal.util.SpinLock}), and the
 * stack probe that makes a StackOverflowError strike before a critical section rather than
 * inside it ({@link dev.weft.internal.util.StackHeadroom}), and the executors' checks of their
 * tasks ({@link dev.weft.internal.util.TaskChecks}).
 */
package dev.weft.internal.util;
