/**
 * The scheduler: Go's G-M-P for goroutines that are JDK virtual threads. One room per concern,
 * each a class of a few hundred lines that a change to that concern touches alone:
 *
 * <table>
 *   <caption>The rooms</caption>
 *   <tr><th>Class</th><th>Concern</th><th>Go's counterpart</th></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Sched}</td><td>the runtime's shared state, ready, the M
 *       loop (run a G, settle its status), and the face dev.weft calls</td><td>proc.go: schedt,
 *       schedule, ready</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.FindWork}</td><td>a carrier's search for its next G:
 *       timers, the queues in order, stealing, giving up the P</td><td>findRunnable, stealWork,
 *       runqsteal</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.G}, {@link dev.weft.internal.sched.M},
 *       {@link dev.weft.internal.sched.P}, {@link dev.weft.internal.sched.GStatus}</td><td>the three
 *       entities and their state machines</td><td>runtime2.go</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.RunQueuePolicy}: {@link dev.weft.internal.sched.FifoQueues},
 *       {@link dev.weft.internal.sched.PriorityQueues}, {@link dev.weft.internal.sched.LevelFloor}</td><td>where a runnable G is queued and which
 *       queue is looked at first: the scheduling policy, FIFO or PRIORITY (and the lowest level
 *       any G was given, which spares PRIORITY's ready a search)</td><td>runqput, globrunqput
 *       (FIFO only)</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Idle}</td><td>idle Ps and Ms, spinning, the lost-wake-up
 *       protocol (its argument is written there)</td><td>wakep, startm, stopm, handoffp; Tokio's
 *       idle.rs</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Goroutines}</td><td>creation, exit, adoption of virtual
 *       threads started with the JDK's APIs, main goroutines, the wait at close</td><td>newproc,
 *       goexit</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Joins}</td><td>waiting for a goroutine's end
 *       ({@code Goroutine.join}): joiners on the G, woken by its M when it marks the G
 *       DEAD</td><td>none (Go joins with a WaitGroup or a channel)</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Timers}</td><td>per-P timer heaps, who runs them,
 *       Go.sleep</td><td>time.go</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Syscalls}</td><td>Go.blocking and the hand-off of a
 *       blocked carrier's P</td><td>entersyscall, exitsyscall</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Preemption}</td><td>safe points, slice ends, retaking a P
 *       from a stuck carrier</td><td>preempt.go, retake</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.ProcResize}</td><td>changing procs at run
 *       time</td><td>procresize</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Sysmon}</td><td>the monitor thread that drives preemption,
 *       hand-offs, timers when idle, deadlock detection and lost-wake-up recovery</td><td>sysmon</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Diagnostics}</td><td>deadlock detection, dumps, counters,
 *       the runtime's warnings, recovery of lost wake-ups</td><td>checkdead, traceback.go</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Tracing}, {@link dev.weft.internal.sched.SchedTrace},
 *       {@link dev.weft.internal.sched.Jfr}</td><td>the execution trace's hooks (recording in
 *       {@code internal.trace}), -Dweft.schedtrace's lines from sysmon, JFR events</td><td>trace.go,
 *       schedtrace</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Bubble}, {@link dev.weft.internal.sched.SeededQueues}</td><td>synctest
 *       bubbles: a one-P runtime with a fake clock that jumps when every goroutine is durably
 *       blocked, and a seeded (PCT-style) schedule that replays step for step</td><td>synctest.go,
 *       the bubble half of time.go</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.Parking}, {@link dev.weft.internal.sched.WaitReason},
 *       {@link dev.weft.internal.sched.WaitCompletion}</td><td>the one park/wake protocol the
 *       primitives above use</td><td>gopark, goready</td></tr>
 *   <tr><td>{@link dev.weft.internal.sched.ProcessLink},
 *       {@link dev.weft.internal.sched.ProcessSupport}</td><td>a goroutine's process
 *       ({@code dev.weft.proc}): membership inherited at creation, per-process accounting,
 *       cancellation of a member's waits and safe points</td><td>none (an operating system's
 *       process)</td></tr>
 * </table>
 *
 * <p>Dependencies point one way: the rooms use {@code Sched}'s shared state and each other through
 * package-private methods; nothing here depends on the public packages, which depend on this one
 * only through {@code Sched}, {@code G}, {@code Parking}, {@code Joins} and the value types.
 */
package dev.weft.internal.sched;
